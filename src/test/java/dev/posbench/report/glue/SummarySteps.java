package dev.posbench.report.glue;

import dev.posbench.BadInputException;
import dev.posbench.report.Evidence;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

/**
 * Glue for the report package's own tests: steps that pass, fail, fail on bad input, take time
 * and attach evidence. No hooks, so nothing here runs unless a feature names these steps.
 */
public class SummarySteps {

    @Given("the summary fixture passes")
    public void passes() {
        // a step that has nothing to do passes
    }

    @Given("the summary fixture fails with {string}")
    public void failsWith(String message) {
        throw new AssertionError(message);
    }

    @Given("the summary fixture is misconfigured")
    public void misconfigured() {
        // wrapped, as a library call would wrap it: the summary must find it in the cause chain
        throw new IllegalStateException("rig did not start",
                new BadInputException("bench-config/rig.yaml: outputs.swipe", "no pin named 'swipe-carriage'"));
    }

    @When("the summary fixture takes {int} ms")
    public void takes(int millis) throws InterruptedException {
        // models a slow physical step (a carriage stroke): its duration is what the test measures
        Thread.sleep(millis);
    }

    @Then("the summary fixture attaches the transcript {string}")
    public void attaches(String transcript) {
        Evidence.attachText("serial transcript of 4761739001010010", transcript);
    }
}
