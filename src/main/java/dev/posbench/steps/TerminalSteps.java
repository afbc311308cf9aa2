package dev.posbench.steps;

import dev.posbench.BadInputException;
import dev.posbench.terminal.Transcript.Line;
import dev.posbench.terminal.Outcome;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the terminal shows, checked against its profile's texts. */
public final class TerminalSteps {

    /** The named group of the INCORRECT_PIN pattern around the number of tries left. */
    private static final String TRIES = "tries";

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
        scenario.awaitShown(outcome);
    }

    /**
     * A wrong offline PIN: INCORRECT_PIN, and the tries the chip says are left (63Cx), read from the
     * displayed line through the named group {@code tries} of the profile's INCORRECT_PIN pattern.
     */
    @Then("the terminal shows INCORRECT_PIN with {int} try/tries left")
    public void showsTriesLeft(int expected) {
        Pattern pattern = scenario.pattern(Outcome.INCORRECT_PIN);
        if (!pattern.namedGroups().containsKey(TRIES)) {
            throw new BadInputException(scenario.profile().file() + ": outcomes." + Outcome.INCORRECT_PIN,
                    "/" + pattern + "/ has no named group (?<" + TRIES + ">\\d+), so the tries left cannot be read from"
                            + " what the terminal shows; put one around the number, e.g."
                            + " \"INCORRECT PIN(?: (?<tries>\\\\d+) TRIES LEFT)?\"");
        }
        Line line = scenario.awaitOutcome(Outcome.INCORRECT_PIN);
        Matcher m = pattern.matcher(line.text());
        String shown = m.find() ? m.group(TRIES) : null;
        String where = "\"" + line.shown() + "\" at " + line.at();
        if (shown == null) {
            throw new AssertionError("expected INCORRECT_PIN with " + expected + " tries left, but the terminal showed"
                    + " INCORRECT_PIN without the number of tries left (" + where + ", "
                    + scenario.describe(Outcome.INCORRECT_PIN) + ")");
        }
        if (!shown.matches("\\d{1,3}") || Integer.parseInt(shown) != expected) {
            throw new AssertionError("expected INCORRECT_PIN with " + expected + " tries left, but the terminal showed "
                    + shown + " tries left (" + where + ")");
        }
    }

    @Then("the terminal never showed {outcome}")
    public void neverShowed(Outcome outcome) {
        if (scenario.profile().settleTime(outcome).isPresent()) {
            // what the terminal never sends cannot prove anything by its absence
            scenario.notApplicable = true;
            throw new NotApplicable("not applicable: the scenario checks that the terminal never sent " + outcome
                    + ", and " + scenario.profile().file() + " says it never sends it (silentPrompts." + outcome + ")");
        }
        Optional<Line> line = scenario.shown(outcome);
        if (line.isPresent()) {
            throw new AssertionError("the terminal showed " + scenario.describe(outcome) + " at "
                    + line.get().at() + ": \"" + line.get().shown() + "\"");
        }
    }
}
