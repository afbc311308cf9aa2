package dev.posbench.steps;

import dev.posbench.bank.FakeBank.Exchange;
import dev.posbench.bench.Bench;
import dev.posbench.cards.TestCard;
import dev.posbench.channel.Pans;
import dev.posbench.rig.ActuationLog;
import dev.posbench.terminal.Cursor;
import dev.posbench.terminal.Transcript.Line;
import dev.posbench.terminal.Outcome;
import dev.posbench.terminal.TerminalProfile;
import dev.posbench.terminal.Transcript;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What one scenario has done so far: where its part of the transcript and the actuation log
 * begins, the card in play, and the cursor that outcome waits advance. Cucumber's picocontainer
 * gives every step class of a scenario the same instance.
 */
public final class Scenario {

    final Bench bench;
    Transcript.Mark transcriptStart;
    ActuationLog.Mark actuationStart;
    /** Where the terminal program's output stood before the scenario readied the terminal (it may have booted it). */
    int programStart;
    Cursor cursor;
    TestCard card;
    /** The last PIN typed, to check the PIN block against; never logged. */
    String pinTyped;
    /** The STAN of the last authorization before the bank was set back to normal. */
    String earlierStan;
    final List<TestCard> cardsUsed = new ArrayList<>();
    /** Every sale this scenario started, in order: what the authorizations of each must carry. */
    final List<Sale> sales = new ArrayList<>();
    /** Every card presented, in order, and how: the PAN and entry mode its authorization must carry. */
    final List<Presented> presented = new ArrayList<>();
    /** What the bank received before a step set it back to normal (which empties its journal). */
    final List<Exchange> earlierExchanges = new ArrayList<>();

    /**
     * A wait the bench timed instead of seeing: the terminal does not send this prompt, so the
     * profile's settle time stood for it. The report lists these.
     */
    record TimedWait(Instant at, String what, Duration settle) {}

    /** Every timed wait of this scenario, in order. */
    final List<TimedWait> timedWaits = new ArrayList<>();
    /**
     * Where the transcript and the rig stood when a timed wait (or a settle ended by silence) last
     * ended: while neither moved, the terminal is still waiting for the cardholder and another timed
     * wait would only eat into its own timer.
     */
    private Transcript.Mark lastTimedEnd;
    private ActuationLog.Mark lastTimedActuation;

    private void timedWaitEnded() {
        lastTimedEnd = transcript().mark();
        lastTimedActuation = bench.rig().log().mark();
    }

    private boolean stillWaitingSinceLastTimedWait() {
        return lastTimedEnd != null && transcript().mark().line() == lastTimedEnd.line()
                && bench.rig().log().mark().equals(lastTimedActuation);
    }

    /** A sale the bench started, when, for how much (minor units). */
    record Sale(Instant at, long amount) {}

    /** A card the cardholder presented, when, and how. */
    record Presented(Instant at, TestCard card, CardholderSteps.Presentation how) {}

    public Scenario() {
        this.bench = BenchRun.current();
    }

    TerminalProfile profile() {
        return bench.config().profile();
    }

    Transcript transcript() {
        return bench.link().transcript();
    }

    /**
     * Where the bench's follow-up purchase began (it brings out the reversals a terminal owes until
     * its next online transaction); null when there was none. What the scenario showed ends here.
     */
    Transcript.Mark followUpFrom;

    /**
     * The card of a follow-up purchase: the first of the deck that any terminal reads plainly, a
     * stripe without chip, good, unexpired, with a valid number the profile accepts.
     */
    TestCard followUpCard() {
        java.time.YearMonth now = java.time.YearMonth.now();
        List<String> bins = profile().capabilities().acceptedBins();
        return bench.config().deck().cards().values().stream()
                .filter(c -> c.has(TestCard.Technology.STRIPE) && c.stripe() == TestCard.StripeCondition.GOOD)
                .filter(c -> c.serviceCode().startsWith("1") && Pans.luhnValid(c.pan())
                        && c.pan().length() >= 13 && c.pan().length() <= 19)
                .filter(c -> !java.time.YearMonth.of(2000 + Integer.parseInt(c.expiry().substring(0, 2)),
                        Integer.parseInt(c.expiry().substring(2))).isBefore(now))
                .filter(c -> bins.isEmpty() || bins.stream().anyMatch(c.pan()::startsWith))
                .min(java.util.Comparator.comparingInt(TestCard::slot))
                .orElseThrow(() -> new dev.posbench.BadInputException(bench.config().dir().resolve("cards.yaml").toString(),
                        "no card for a follow-up purchase (a good stripe, service code 1xx, valid and unexpired): "
                                + "a terminal that reverses before its next online transaction needs one"));
    }

    /** Set when the scenario turned out to need what the terminal lacks: nothing of it is judged. */
    boolean notApplicable;

    /**
     * @throws NotApplicable when the profile does not declare what the scenario is about
     */
    void requireCapability(boolean declared, String setting) {
        if (!declared) {
            notApplicable = true;
            throw new NotApplicable("not applicable: the scenario is about a terminal with capabilities." + setting
                    + ", and " + profile().file() + " says otherwise");
        }
    }

    /**
     * @throws NotApplicable when the profile says the terminal cannot read a card this way
     */
    void requireReader(TestCard.Technology reader) {
        if (!profile().capabilities().cardReaders().contains(reader)) {
            notApplicable = true;
            throw new NotApplicable("not applicable: the terminal has no " + switch (reader) {
                case STRIPE -> "magnetic stripe reader";
                case CHIP -> "chip reader";
                case CONTACTLESS -> "contactless antenna";
            } + " (" + profile().file() + " capabilities.cardReaders: " + profile().capabilities().cardReaders()
                    .stream().map(t -> t.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList() + ")");
        }
    }

    /** Starts the scenario's view of the terminal here: earlier lines belong to earlier scenarios. */
    void begin() {
        transcriptStart = transcript().mark();
        cursor = transcript().cursorAtEnd();
        actuationStart = bench.rig().log().mark();
    }

    void use(TestCard card) {
        this.card = card;
        if (!cardsUsed.contains(card)) {
            cardsUsed.add(card);
        }
    }

    TestCard card() {
        if (card == null) {
            throw new dev.posbench.BadInputException("scenario",
                    "a step needs the card in play, but no card was swiped, inserted or tapped yet");
        }
        return card;
    }

    Duration outcomeWait() {
        return profile().timeouts().outcomeWait();
    }

    String describe(Outcome outcome) {
        return profile().describe(outcome);
    }

    /**
     * Waits, event-driven, for the next line that shows this outcome. A result or a prompt that has
     * not shown by the time the terminal finishes the transaction (idle, or asking for a card that
     * is still in its reader) will not show at all: the wait fails there and then instead of running
     * out its timeout. The sale's start moved the cursor past everything before it (see
     * {@link #saleStarting}), so a finished line the wait finds is this sale's.
     */
    Line awaitOutcome(Outcome outcome) {
        Pattern wanted = profile().pattern(outcome);
        if (outcome == Outcome.IDLE || outcome == Outcome.REMOVE_CARD) {
            return transcript().await(cursor, wanted, outcomeWait(), describe(outcome));
        }
        Pattern idle = pattern(Outcome.IDLE);
        Pattern either = Pattern.compile("(?:" + wanted + ")|" + finished());
        long deadline = System.nanoTime() + outcomeWait().toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Line line = transcript().await(cursor, either, left, describe(outcome));
            if (wanted.matcher(line.text()).find()) {
                return line;
            }
            // asking for the card back once the cardholder has taken it: a step of the transaction
            // (a chip that failed, before the terminal asks again), not its end
            if (idle.matcher(line.text()).find() || bench.rig().cardInserted()) {
                throw new AssertionError("expected " + describe(outcome) + ", but the terminal finished the transaction"
                        + " without showing it (\"" + line.shown() + "\" at " + line.at() + "); this scenario's transcript:\n"
                        + transcript().render(transcriptStart));
            }
        }
    }

    /**
     * The bench is about to start a sale on an idle terminal: whatever the terminal showed before
     * belongs to earlier transactions, and the waits that follow look only at what comes after.
     */
    void saleStarting() {
        transcript().skipToEnd(cursor);
    }

    /**
     * The terminal shows this outcome: waited for in what it sends, or, for a prompt the profile
     * says it keeps off the serial port, a timed wait.
     */
    void awaitShown(Outcome outcome) {
        if (profile().settleTime(outcome).isPresent()) {
            timedWait(outcome);
        } else {
            awaitOutcome(outcome);
        }
    }

    /**
     * The profile's settle time for a prompt the terminal does not send: nothing on the line can
     * say when the terminal is ready, so the wait is the terminal's own pace as the profile gives
     * it. It watches the line all the while: a terminal that finishes the transaction instead of
     * asking fails the step there and then. Reported as a timed step in the report.
     */
    void timedWait(Outcome prompt) {
        Duration settle = profile().settleTime(prompt).orElseThrow();
        String name = "timed wait " + settle.toMillis() + " ms for " + prompt + " (" + profile().file()
                + " silentPrompts." + prompt + ": the terminal does not send this prompt)";
        Optional<Line> finished = io.qameta.allure.Allure.step(name,
                () -> transcript().lastMatchingWithin(finished(), settle));
        timedWaits.add(new TimedWait(Instant.now(), prompt.name(), settle));
        timedWaitEnded();
        // as if the prompt had been seen now: what came before it is behind the scenario's waits
        transcript().skipToEnd(cursor);
        if (finished.isPresent()) {
            throw new AssertionError("expected " + prompt + " (a timed wait: " + profile().file() + " silentPrompts."
                    + prompt + "), but the terminal finished the transaction instead (\"" + finished.get().shown()
                    + "\" at " + finished.get().at() + "); this scenario's transcript:\n" + transcript().render(transcriptStart));
        }
    }

    /** Where a terminal waits for a person: from any of these it sends nothing to the bank on its own. */
    private static final List<Outcome> WAITING = List.of(Outcome.IDLE, Outcome.REMOVE_CARD, Outcome.PRESENT_CARD,
            Outcome.READ_ERROR, Outcome.INSERT_CHIP, Outcome.ENTER_PIN, Outcome.ENTER_OTP, Outcome.INSERT_AND_PIN);

    /**
     * Waits until the terminal has done all it will do without the cardholder: back at idle, or
     * showing a prompt. Checks of what did not happen ("no authorization") are only sound after this.
     */
    void settle() {
        String alternatives = WAITING.stream().map(o -> "(?:" + pattern(o) + ")").collect(Collectors.joining("|"));
        String expected = "the terminal to wait for the cardholder (one of " + WAITING + ")";
        Optional<Duration> quiet = profile().silentPrompts().values().stream().max(Duration::compareTo);
        if (quiet.isEmpty()) {
            transcript().awaitLast(Pattern.compile(alternatives), outcomeWait(), expected);
            return;
        }
        // a terminal that keeps its prompts to itself waits for the cardholder in silence
        String name = "settle: the terminal shows a waiting state, or sends nothing for " + quiet.get().toMillis()
                + " ms (the longest of " + profile().file() + " silentPrompts)";
        boolean bySilence = io.qameta.allure.Allure.step(name,
                () -> transcript().awaitLastOrQuiet(Pattern.compile(alternatives), quiet.get(), outcomeWait(), expected));
        if (bySilence) {
            timedWaits.add(new TimedWait(Instant.now(), "silence (the terminal waits for the cardholder without a word)",
                    quiet.get()));
            timedWaitEnded();
        }
    }

    /**
     * Waits until the terminal is asking for this input now: its latest line is the prompt. Unlike
     * {@link #awaitOutcome} it does not care whether an earlier step already saw the prompt.
     */
    void awaitPrompt(Outcome prompt) {
        if (profile().settleTime(prompt).isPresent()) {
            // just waited for, and neither the terminal nor the rig did anything since: it is still asking
            if (!stillWaitingSinceLastTimedWait()) {
                timedWait(prompt);
            }
            return;
        }
        Pattern wanted = pattern(prompt);
        Pattern finished = finished();
        // a prompt is awaited only once the card is presented: idle (or "remove card") as the latest
        // line means the transaction is over, and the prompt will not come; say what came instead
        Line last = transcript().awaitLast(Pattern.compile("(?:" + wanted + ")|" + finished), outcomeWait(),
                describe(prompt) + " as the terminal's latest line");
        if (!wanted.matcher(last.text()).find()) {
            String shown = transcript().linesSince(transcriptStart).stream()
                    .filter(l -> !finished.matcher(l.text()).find())
                    .reduce((a, b) -> b)
                    .map(l -> "\"" + l.shown() + "\" at " + l.at())
                    .orElse("nothing");
            throw new AssertionError("expected " + describe(prompt) + ", but the terminal finished the transaction"
                    + " without asking for it; the last it showed was " + shown + "; this scenario's transcript:\n"
                    + transcript().render(transcriptStart));
        }
    }

    /** What a terminal shows once a transaction is over: idle, or asking for the card back. */
    private Pattern finished() {
        return Pattern.compile("(?:" + pattern(Outcome.IDLE) + ")|(?:" + pattern(Outcome.REMOVE_CARD) + ")");
    }

    /** The first line of this scenario, before any follow-up purchase, that shows the outcome. */
    Optional<Line> shown(Outcome outcome) {
        Optional<Line> line = transcript().find(transcriptStart, profile().pattern(outcome));
        return followUpFrom == null ? line : line.filter(l -> l.index() < followUpFrom.line());
    }

    Pattern pattern(Outcome outcome) {
        return profile().pattern(outcome);
    }
}
