package dev.posbench.steps;

import dev.posbench.bank.FakeBank.Exchange;
import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.PinBlock;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.util.List;

/** How the faked bank answers, and what its journal says the terminal sent. */
public final class BankSteps {

    /** The follow-up purchase that brings out what a terminal reversing before its next online transaction owes. */
    private static final long FOLLOW_UP_AMOUNT = 100;

    private final Scenario scenario;
    private final CardholderSteps cardholder;

    public BankSteps(Scenario scenario, CardholderSteps cardholder) {
        this.scenario = scenario;
        this.cardholder = cardholder;
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

    @Given("the bank refuses connections")
    public void refuses() {
        scenario.bench.bank().refuseConnections();
    }

    /**
     * The bank back at its base behaviour, listening, with an empty journal: what it receives from
     * here on is the terminal's next move. The last authorization's STAN is kept for the checks.
     */
    @When("the bank is back to normal")
    public void backToNormal() {
        authorizations().stream().reduce((a, b) -> b)
                .flatMap(e -> e.request()).flatMap(r -> r.field(11))
                .ifPresent(stan -> scenario.earlierStan = stan);
        scenario.earlierExchanges.addAll(scenario.bench.bank().journal());
        scenario.bench.bank().acceptConnections();
        scenario.bench.bank().reset();
    }

    @When("the bank has received the authorization")
    public void hasReceivedAuthorization() {
        scenario.bench.bank().awaitRequest(r -> r.mti().equals(IsoMessage.AUTHORIZATION), scenario.outcomeWait(),
                "an authorization (0100)");
    }

    @Then("nothing reached the bank")
    public void nothingReached() {
        scenario.settle();
        List<Exchange> journal = scenario.bench.bank().journal();
        if (!journal.isEmpty()) {
            throw new AssertionError("the bank received " + journal.size() + " request(s), expected none:\n"
                    + scenario.bench.bank().renderJournal());
        }
    }

    @Then("the bank received no sign-on")
    public void noSignOn() {
        scenario.settle();
        List<Exchange> signOns = Exchanges.of(scenario.bench.bank().journal(), IsoMessage.SIGN_ON);
        if (!signOns.isEmpty()) {
            throw new AssertionError("the bank received " + signOns.size() + " sign-on(s), expected none:\n"
                    + scenario.bench.bank().renderJournal());
        }
    }

    /** The last authorization says the card was swiped as a fallback from its chip (field 22 starting 80). */
    @Then("the authorization was marked as fallback")
    public void markedAsFallback() {
        String mode = authorizations().stream().reduce((a, b) -> b).flatMap(Exchange::request)
                .flatMap(r -> r.field(22)).orElseThrow(() -> new AssertionError("the bank received no authorization "
                        + "carrying an entry mode (field 22):\n" + scenario.bench.bank().renderJournal()));
        if (!mode.startsWith("80")) {
            throw new AssertionError("the authorization carries entry mode " + mode + " (field 22), not a fallback "
                    + "from the chip (80x)");
        }
    }

    @Then("the bank received a sign-on")
    public void signOn() {
        scenario.bench.bank().awaitRequest(r -> r.mti().equals(IsoMessage.SIGN_ON), scenario.outcomeWait(),
                "a sign-on (0800)");
    }

    @Then("the last authorization carried the SMS code {string}")
    public void carriedCode(String code) {
        List<Exchange> auths = authorizations();
        if (auths.size() < 2) {
            throw new AssertionError("expected a second authorization carrying the SMS code, the bank received "
                    + auths.size() + ":\n" + scenario.bench.bank().renderJournal());
        }
        IsoMessage last = auths.getLast().request().orElseThrow();
        if (!last.field(48).filter(code::equals).isPresent()) {
            throw new AssertionError("the last authorization does not carry the SMS code in field 48:\n"
                    + scenario.bench.bank().renderJournal());
        }
    }

    /** Waits until that many reversals arrived, then checks no more came while the terminal finished. */
    /** As many reversals as the terminal attempts: the first and the profile's {@code timeouts.reversalRetries}. */
    @Then("the bank received every reversal attempt of the unanswered authorization")
    public void everyReversalAttempt() {
        reversals(1 + scenario.profile().timeouts().reversalRetries());
    }

    @Then("the bank received {int} reversal(s) of the unanswered authorization")
    public void reversals(int expected) {
        String stan = lastAuthorizationStan();
        followUpIfReversalsWait(r -> r.mti().equals(IsoMessage.REVERSAL) && r.field(11).filter(stan::equals).isPresent());
        scenario.bench.bank().awaitRequests(r -> r.mti().equals(IsoMessage.REVERSAL)
                        && r.field(11).filter(stan::equals).isPresent(), expected, scenario.outcomeWait(),
                expected + " reversal(s) of the authorization with STAN " + stan);
        scenario.settle();
        if (reversalsOf(stan) != expected) {
            throw new AssertionError("expected " + expected + " reversal(s) of STAN " + stan + ", the bank received "
                    + reversalsOf(stan) + ":\n" + scenario.bench.bank().renderJournal());
        }
    }

    @Then("the first request the bank received was the reversal of the unanswered authorization")
    public void pendingReversalFirst() {
        if (scenario.earlierStan == null) {
            throw new dev.posbench.BadInputException("scenario",
                    "this step follows \"When the bank is back to normal\" after an unanswered authorization");
        }
        Exchange first = scenario.bench.bank().awaitRequest(r -> true, scenario.outcomeWait(), "any request");
        boolean isIt = first.request().filter(r -> r.mti().equals(IsoMessage.REVERSAL)
                && r.field(11).filter(scenario.earlierStan::equals).isPresent()).isPresent();
        if (!isIt) {
            throw new AssertionError("the first request after the bank came back is not the reversal of STAN "
                    + scenario.earlierStan + ":\n" + scenario.bench.bank().renderJournal());
        }
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
        followUpIfReversalsWait(this::ownReversal);
        scenario.bench.bank().awaitRequest(this::ownReversal, scenario.outcomeWait(),
                "a reversal (0400) of an authorization of this scenario");
    }

    @Then("the bank received a reversal with reason {string}")
    public void reversal(String reason) {
        java.util.function.Predicate<IsoMessage> wanted = r -> ownReversal(r) && r.field(39).filter(reason::equals).isPresent();
        followUpIfReversalsWait(wanted);
        scenario.bench.bank().awaitRequest(wanted, scenario.outcomeWait(),
                "a reversal (0400) with reason " + reason + " in field 39");
    }

    @Then("the bank received no reversal")
    public void noReversal() {
        scenario.settle();
        if (!scenario.profile().timeouts().reversalAtOnce()) {
            followUpIfReversalsWait(r -> false);
            scenario.settle();
        }
        // what an earlier scenario still owed may go out now; INV-4 judges those
        List<Exchange> reversals = scenario.bench.bank().journal().stream()
                .filter(e -> e.request().filter(this::ownReversal).isPresent()).toList();
        if (!reversals.isEmpty()) {
            throw new AssertionError("the bank received " + reversals.size() + " reversal(s), expected none:\n"
                    + scenario.bench.bank().renderJournal());
        }
    }

    /**
     * On a terminal whose profile says it reverses before its next online transaction, what it owes
     * goes out only then: unless the bank already has what the step looks for, the cardholder makes
     * a follow-up purchase with a plain stripe card of the deck, and the step looks at what came
     * before its authorization. What the terminal shows from then on is the follow-up's, not the
     * scenario's ({@link Scenario#shown} stops there).
     */
    private void followUpIfReversalsWait(java.util.function.Predicate<IsoMessage> alreadyThere) {
        if (scenario.profile().timeouts().reversalAtOnce() || scenario.followUpFrom != null
                || scenario.bench.bank().journal().stream().anyMatch(e -> e.request().filter(alreadyThere).isPresent())) {
            return;
        }
        scenario.settle();
        scenario.bench.rig().remove();
        scenario.bench.strategy().awaitIdle();
        scenario.followUpFrom = scenario.transcript().mark();
        cardholder.pay(FOLLOW_UP_AMOUNT, CardholderSteps.Presentation.SWIPING, scenario.followUpCard(),
                CardholderSteps.PinChoice.RIGHT);
        // the step waits for what it looks for; an owed reversal that cannot get through stops the purchase there
    }

    /** A reversal of an authorization this scenario made (not one an earlier scenario left owed). */
    private boolean ownReversal(IsoMessage r) {
        if (!r.mti().equals(IsoMessage.REVERSAL) || r.field(11).isEmpty()) {
            return false;
        }
        String stan = r.field(11).get();
        return java.util.stream.Stream.concat(scenario.earlierExchanges.stream(), scenario.bench.bank().journal().stream())
                .anyMatch(e -> e.request().filter(a -> a.mti().equals(IsoMessage.AUTHORIZATION)
                        && a.field(11).filter(stan::equals).isPresent()).isPresent());
    }

    private String lastAuthorizationStan() {
        return authorizations().stream().reduce((a, b) -> b).flatMap(Exchange::request).flatMap(r -> r.field(11))
                .orElseThrow(() -> new AssertionError("the bank received no authorization"));
    }

    private long reversalsOf(String stan) {
        return Exchanges.of(scenario.bench.bank().journal(), IsoMessage.REVERSAL).stream()
                .filter(e -> e.request().flatMap(r -> r.field(11)).filter(stan::equals).isPresent()).count();
    }

    private List<Exchange> authorizations() {
        return Exchanges.of(scenario.bench.bank().journal(), IsoMessage.AUTHORIZATION);
    }
}
