package dev.posbench.steps;

import dev.posbench.bank.FakeBank.Exchange;
import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.PinBlock;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import java.util.List;

/** How the faked bank answers, and what its journal says the terminal sent. */
public final class BankSteps {

    private final Scenario scenario;

    public BankSteps(Scenario scenario) {
        this.scenario = scenario;
    }

    /** {@code name} is a file of bench-config/bank/answers without ".json": a response code or a behaviour. */
    @Given("the bank answers {string}")
    public void answers(String name) {
        scenario.bench.bank().answer(name);
    }

    @Given("the bank does not answer")
    public void doesNotAnswer() {
        answers("no-answer");
    }

    @Given("the bank counts wrong PINs and locks the PIN on the third")
    public void pinTryCounter() {
        answers("pin-try-counter");
    }

    @Then("the bank received no authorization")
    public void noAuthorization() {
        scenario.settle();
        List<Exchange> auths = authorizations();
        if (!auths.isEmpty()) {
            throw new AssertionError("the bank received " + auths.size() + " authorization(s), expected none:\n"
                    + scenario.bench.bank().renderJournal());
        }
    }

    @Then("the bank received {int} authorization(s)")
    public void authorizations(int expected) {
        scenario.settle();
        int got = authorizations().size();
        if (got != expected) {
            throw new AssertionError("the bank received " + got + " authorization(s), expected " + expected + ":\n"
                    + scenario.bench.bank().renderJournal());
        }
    }

    @Then("the authorization carried a PIN block, not the clear PIN")
    public void pinBlock() {
        List<Exchange> auths = authorizations();
        if (auths.isEmpty()) {
            throw new AssertionError("the bank received no authorization, so no PIN block");
        }
        IsoMessage request = auths.getLast().request().orElseThrow();
        String block = request.field(52).orElseThrow(() -> new AssertionError(
                "the authorization has no PIN block (field 52): " + request));
        if (!block.matches("[0-9A-Fa-f]{16}")) {
            throw new AssertionError("field 52 is not an 8-byte PIN block in hex (it has " + block.length() + " characters)");
        }
        String typed = scenario.pinTyped;
        if (typed == null) {
            throw new AssertionError("no PIN was typed in this scenario, yet the authorization carries field 52");
        }
        if (block.contains(typed)) {
            throw new AssertionError("field 52 contains the clear PIN");
        }
        String pan = request.field(2).orElseThrow(() -> new AssertionError("the authorization has no PAN (field 2)"));
        String recovered;
        try {
            recovered = PinBlock.decrypt(block, pan, scenario.bench.config().bank().pinKeyHex());
        } catch (IllegalArgumentException e) {
            throw new AssertionError("field 52 is not a format 0 PIN block under the bank's PIN key: " + e.getMessage());
        }
        if (!recovered.equals(typed)) {
            throw new AssertionError("field 52 does not carry the PIN the cardholder typed");
        }
    }

    @Then("the bank received a reversal")
    public void reversal() {
        scenario.bench.bank().awaitRequest(r -> r.mti().equals(IsoMessage.REVERSAL), scenario.outcomeWait(),
                "a reversal (0400)");
    }

    @Then("the bank received a reversal with reason {string}")
    public void reversal(String reason) {
        scenario.bench.bank().awaitRequest(
                r -> r.mti().equals(IsoMessage.REVERSAL) && r.field(39).filter(reason::equals).isPresent(),
                scenario.outcomeWait(), "a reversal (0400) with reason " + reason + " in field 39");
    }

    @Then("the bank received no reversal")
    public void noReversal() {
        scenario.settle();
        List<Exchange> reversals = Exchanges.of(scenario.bench.bank().journal(), IsoMessage.REVERSAL);
        if (!reversals.isEmpty()) {
            throw new AssertionError("the bank received " + reversals.size() + " reversal(s), expected none:\n"
                    + scenario.bench.bank().renderJournal());
        }
    }

    private List<Exchange> authorizations() {
        return Exchanges.of(scenario.bench.bank().journal(), IsoMessage.AUTHORIZATION);
    }
}
