package dev.posbench.steps;

import dev.posbench.BadInputException;
import dev.posbench.cards.TestCard;
import dev.posbench.cards.TestCard.Technology;
import dev.posbench.channel.Key;
import dev.posbench.terminal.Outcome;
import dev.posbench.terminal.TerminalProfile.SaleStart;
import io.cucumber.java.en.When;
import java.time.Instant;

/** What the cardholder and the cashier do; the rig does it with its actuators. */
public final class CardholderSteps {

    /** How the card is presented, in the step's words ("by swiping card ..."). */
    public enum Presentation { SWIPING, INSERTING, TAPPING }

    /** Which PIN the cardholder types ("with the right PIN" / "with a wrong PIN"). */
    public enum PinChoice { RIGHT, WRONG }

    private final Scenario scenario;

    public CardholderSteps(Scenario scenario) {
        this.scenario = scenario;
    }

    @When("a purchase of {amount} is started")
    public void startPurchase(long amount) {
        // a sale starts from idle: after an earlier attempt the terminal may still be finishing
        scenario.bench.strategy().awaitIdle();
        scenario.saleStarting();
        scenario.sales.add(new Scenario.Sale(Instant.now(), amount));
        String digits = Long.toString(amount);
        switch (scenario.profile().sale()) {
            case SaleStart.ViaSerial(String template) -> scenario.bench.link().send(template.replace("{amount}", digits));
            case SaleStart.ViaKeys(var keys) -> {
                for (String k : keys) {
                    if (k.equals("{amount}")) {
                        digits.chars().forEach(c -> scenario.bench.rig().press(Key.digit((char) c)));
                    } else {
                        scenario.bench.rig().press(Key.ofLabel(k).orElseThrow());
                    }
                }
            }
        }
        scenario.awaitShown(Outcome.PRESENT_CARD);
    }

    @When("the cardholder swipes card {card}")
    public void swipe(TestCard card) {
        swipeAt(card, scenario.bench.config().rig().swipe().nominalCmPerSecond());
    }

    @When("the cardholder swipes card {card} at {speed} cm\\/s")
    public void swipeAt(TestCard card, double speed) {
        scenario.requireReader(Technology.STRIPE);
        require(card, Technology.STRIPE, "swiped");
        scenario.use(card);
        scenario.presented.add(new Scenario.Presented(Instant.now(), card, Presentation.SWIPING));
        scenario.bench.rig().swipe(card.slot(), speed);
    }

    @When("the cardholder inserts card {card}")
    public void insert(TestCard card) {
        scenario.requireReader(Technology.CHIP);
        require(card, Technology.CHIP, "inserted");
        scenario.use(card);
        scenario.presented.add(new Scenario.Presented(Instant.now(), card, Presentation.INSERTING));
        scenario.bench.rig().insert(card.slot());
    }

    @When("the cardholder taps card {card}")
    public void tap(TestCard card) {
        scenario.requireReader(Technology.CONTACTLESS);
        require(card, Technology.CONTACTLESS, "tapped");
        scenario.use(card);
        scenario.presented.add(new Scenario.Presented(Instant.now(), card, Presentation.TAPPING));
        scenario.bench.rig().tap(card.slot());
    }

    @When("the cardholder removes the card")
    public void remove() {
        scenario.bench.rig().remove();
    }

    @When("the cardholder enters the PIN")
    public void enterPin() {
        typePin(scenario.card().pin());
    }

    @When("the cardholder enters a wrong PIN")
    public void enterWrongPin() {
        typePin(scenario.card().wrongPin());
    }

    @When("the cardholder enters the SMS code {string}")
    public void enterCode(String code) {
        if (!code.matches("\\d{1,12}")) {
            throw new BadInputException("step argument \"" + code + "\"", "an SMS code is 1 to 12 digits");
        }
        scenario.awaitPrompt(Outcome.ENTER_OTP);
        for (char c : code.toCharArray()) {
            scenario.bench.rig().pressSecret(Key.digit(c));
        }
        scenario.bench.rig().press(Key.ENTER);
    }

    @When("the cardholder presses {key}")
    public void press(Key key) {
        scenario.bench.rig().press(key);
    }

    /** A whole purchase: start it, present the card as said, type the right or a wrong PIN. */
    @When("the cardholder pays {amount} by {presentation} card {card} with {pinChoice}")
    public void pay(long amount, Presentation how, TestCard card, PinChoice pin) {
        // before the sale starts: a terminal that cannot read the card this way is left as it was
        scenario.requireReader(switch (how) {
            case SWIPING -> Technology.STRIPE;
            case INSERTING -> Technology.CHIP;
            case TAPPING -> Technology.CONTACTLESS;
        });
        startPurchase(amount);
        switch (how) {
            case SWIPING -> swipe(card);
            case INSERTING -> insert(card);
            case TAPPING -> tap(card);
        }
        switch (pin) {
            case RIGHT -> enterPin();
            case WRONG -> enterWrongPin();
        }
    }

    /** Waits for the PIN prompt (typing into a terminal that is not asking would prove nothing), then types. */
    private void typePin(String pin) {
        scenario.awaitPrompt(Outcome.ENTER_PIN);
        scenario.pinTyped = pin;
        for (char c : pin.toCharArray()) {
            scenario.bench.rig().pressSecret(Key.digit(c));
        }
        scenario.bench.rig().press(Key.ENTER);
    }

    private static void require(TestCard card, Technology technology, String how) {
        if (!card.has(technology)) {
            throw new BadInputException(card.id() + " in the deck",
                    "has no " + technology.name().toLowerCase() + ", so it cannot be " + how + " (it has "
                            + card.technologies() + ")");
        }
    }
}
