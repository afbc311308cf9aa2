package dev.posbench.steps;

import dev.posbench.bank.FakeBank.Exchange;
import dev.posbench.cards.TestCard;
import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.Pans;
import dev.posbench.terminal.Transcript.Line;
import dev.posbench.terminal.OutcomeTimeoutException;
import dev.posbench.terminal.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * INV-1..INV-5 of the catalog, checked after every scenario whatever its steps asserted. Every
 * violation found is reported, each with its id, in one failure.
 */
final class Invariants {

    private final Scenario scenario;

    Invariants(Scenario scenario) {
        this.scenario = scenario;
    }

    void check() {
        List<String> violations = new ArrayList<>();
        // INV-5 first: waiting for idle also lets owed reversals reach the bank before INV-4 looks.
        idle(violations);
        List<Exchange> journal = scenario.bench.bank().journal();
        List<Line> lines = scenario.transcript().linesSince(scenario.transcriptStart);
        approvedOnlyWhenApproved(journal, lines, violations);
        noFullPan(lines, violations);
        noClearPin(journal, lines, violations);
        oneAuthorizationPerAttemptAndReversals(journal, violations);
        if (!violations.isEmpty()) {
            // the first line names the ids: it is what the run summary shows
            String ids = violations.stream().map(v -> v.substring(0, v.indexOf(' '))).distinct()
                    .collect(Collectors.joining(", "));
            throw new AssertionError("invariants violated: " + ids + "\n  " + String.join("\n  ", violations));
        }
    }

    /** INV-5: with the card taken, the terminal returns to idle. */
    private void idle(List<String> violations) {
        scenario.bench.rig().remove();
        try {
            scenario.bench.strategy().awaitIdle();
        } catch (OutcomeTimeoutException e) {
            violations.add("INV-5 the terminal is not back at idle: " + e.getMessage());
        }
    }

    /** INV-1: every APPROVED shown matches its own approved (00), definitive answer, earlier in time. */
    private void approvedOnlyWhenApproved(List<Exchange> journal, List<Line> lines, List<String> violations) {
        Pattern approvedText = scenario.pattern(Outcome.APPROVED);
        String macKey = scenario.bench.config().bank().macKeyHex();
        Duration hostTimeout = scenario.profile().timeouts().host();
        List<Exchange> approvals = new ArrayList<>(journal.stream()
                .filter(e -> Exchanges.is(e, IsoMessage.AUTHORIZATION) && Exchanges.approved(e, macKey, hostTimeout))
                .toList());
        for (Line line : lines) {
            if (!approvedText.matcher(line.text()).find()) {
                continue;
            }
            Exchange match = approvals.stream().filter(e -> !e.at().isAfter(line.at())).findFirst().orElse(null);
            if (match == null) {
                violations.add("INV-1 the terminal showed APPROVED at " + line.at()
                        + " without a bank approval (00) of its own request before it");
            } else {
                approvals.remove(match);
            }
        }
    }

    /** INV-2: no deck PAN in full on the serial line (what posbench writes is masked by construction, and checked here too). */
    private void noFullPan(List<Line> lines, List<String> violations) {
        String rendered = scenario.transcript().render(scenario.transcriptStart)
                + scenario.bench.bank().renderJournal();
        for (String pan : scenario.bench.config().pans()) {
            lines.stream().filter(l -> l.text().contains(pan)).findFirst().ifPresent(l -> violations.add(
                    "INV-2 the terminal printed the full PAN " + Pans.mask(pan) + " on its serial output at " + l.at()));
            if (rendered.contains(pan)) {
                violations.add("INV-2 posbench's own evidence holds the full PAN " + Pans.mask(pan));
            }
        }
    }

    /** INV-3: no clear PIN in any bank request, nor on the serial line. */
    private void noClearPin(List<Exchange> journal, List<Line> lines, List<String> violations) {
        Set<String> pins = new HashSet<>();
        for (TestCard card : scenario.cardsUsed) {
            pins.add(card.pin());
            pins.add(card.wrongPin());
        }
        if (scenario.pinTyped != null) {
            pins.add(scenario.pinTyped);
        }
        for (String pin : pins) {
            Pattern alone = Pattern.compile("(?<![0-9A-Fa-f])" + pin + "(?![0-9A-Fa-f])");
            for (Exchange e : journal) {
                boolean inFields = e.request().map(r -> r.fields().values().stream()
                        .anyMatch(v -> alone.matcher(v).find())).orElse(false);
                if (inFields || (e.request().isEmpty() && alone.matcher(e.rawRequest()).find())) {
                    violations.add("INV-3 a clear PIN travelled to the bank in a "
                            + e.request().map(IsoMessage::mti).orElse("request") + " at " + e.at());
                    break;
                }
            }
            lines.stream().filter(l -> alone.matcher(l.text()).find()).findFirst().ifPresent(l -> violations.add(
                    "INV-3 a clear PIN appeared on the terminal's serial output at " + l.at()));
        }
    }

    /** INV-4: one authorization per attempt (no STAN sent twice), and a reversal for every one left unanswered. */
    private void oneAuthorizationPerAttemptAndReversals(List<Exchange> journal, List<String> violations) {
        String macKey = scenario.bench.config().bank().macKeyHex();
        Duration hostTimeout = scenario.profile().timeouts().host();
        Set<String> stans = new HashSet<>();
        Set<String> reversed = new HashSet<>();
        for (Exchange e : Exchanges.of(journal, IsoMessage.REVERSAL)) {
            e.request().flatMap(r -> r.field(11)).ifPresent(reversed::add);
        }
        for (Exchange e : Exchanges.of(journal, IsoMessage.AUTHORIZATION)) {
            String stan = e.request().flatMap(r -> r.field(11)).orElse("?");
            if (!stans.add(stan)) {
                violations.add("INV-4 two authorizations carry the same STAN " + stan + ": one attempt was sent twice");
            }
            if (!Exchanges.definitive(e, macKey, hostTimeout) && scenario.profile().timeouts().reversalAtOnce()
                    && !reversed.contains(stan)) {
                violations.add("INV-4 the authorization with STAN " + stan
                        + " got no definitive answer, and no reversal for it reached the bank");
            }
        }
    }

}
