package dev.posbench.steps;

import dev.posbench.terminal.Transcript.Line;
import dev.posbench.terminal.Outcome;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.util.Optional;

/** What the terminal shows, checked against its profile's texts. */
public final class TerminalSteps {

    private final Scenario scenario;

    public TerminalSteps(Scenario scenario) {
        this.scenario = scenario;
    }

    @Given("the terminal is idle")
    public void idle() {
        scenario.bench.strategy().awaitIdle();
    }

    /** Scenarios about a capability the profile may or may not declare: the other kind is not applicable. */
    @Given("the terminal allows fallback to the stripe")
    public void allowsFallback() {
        scenario.requireCapability(scenario.profile().capabilities().fallback(), "fallback: true");
    }

    @Given("the terminal does not allow fallback")
    public void refusesFallback() {
        scenario.requireCapability(!scenario.profile().capabilities().fallback(), "fallback: false");
    }

    @Given("the terminal can sign on")
    public void canSignOn() {
        scenario.requireCapability(scenario.profile().capabilities().signOn(), "signOn: true");
    }

    @Given("the terminal cannot sign on")
    public void cannotSignOn() {
        scenario.requireCapability(!scenario.profile().capabilities().signOn(), "signOn: false");
    }

    /** A power cut, wherever the terminal is: what it keeps in flash must survive, the rest is lost. */
    @When("the terminal's power is cut and comes back")
    public void powerCut() {
        scenario.bench.strategy().powerCycle();
    }

    @Then("the terminal shows {outcome}")
    public void shows(Outcome outcome) {
        scenario.awaitOutcome(outcome);
    }

    @Then("the terminal never showed {outcome}")
    public void neverShowed(Outcome outcome) {
        Optional<Line> line = scenario.shown(outcome);
        if (line.isPresent()) {
            throw new AssertionError("the terminal showed " + scenario.describe(outcome) + " at "
                    + line.get().at() + ": \"" + dev.posbench.channel.Pans.maskAll(line.get().text()) + "\"");
        }
    }
}
