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
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * INV-1..INV-5 of the catalog, checked after every scenario whatever its steps asserted, and the
 * message checks: MSG-1, every authorization carries the sale that was started (amount, currency,
 * the PAN of the card presented, an entry mode that says how it was read); MSG-2, every reversal
 * names an authorization the terminal sent and repeats its amount, PAN and terminal. Every
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
        // the whole scenario's exchanges: a step that set the bank back to normal emptied its journal
        List<Exchange> journal = new ArrayList<>(scenario.earlierExchanges);
        journal.addAll(scenario.bench.bank().journal());
        List<Line> lines = scenario.transcript().linesSince(scenario.transcriptStart);
        approvedOnlyWhenApproved(journal, lines, violations);
        noFullPan(lines, violations);
        noClearPin(journal, lines, violations);
        oneAuthorizationPerAttemptAndReversals(journal, violations);
        authorizationsCarryTheSale(journal, violations);
        reversalsRepeatTheirAuthorization(journal, violations);
        if (!violations.isEmpty()) {
            // the first line names the ids: it is what the run summary shows
            String ids = violations.stream().map(v -> v.substring(0, v.indexOf(' '))).distinct()
                    .collect(Collectors.joining(", "));
            // ... and says what the first one is, so the summary row tells which rule broke how
            throw new AssertionError("invariants violated: " + ids + " (" + violations.getFirst() + ")\n  "
                    + String.join("\n  ", violations));
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

    /**
     * INV-1: every APPROVED shown matches its own approved (00), definitive answer, which the bank
     * had sent before the terminal showed it: a terminal that shows APPROVED while the bank still
     * holds its answer has approved nothing.
     */
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
            Exchange match = approvals.stream().filter(e -> !Exchanges.answeredAt(e).isAfter(line.at()))
                    .findFirst().orElse(null);
            if (match == null) {
                violations.add("INV-1 the terminal showed APPROVED at " + line.at()
                        + " without a bank approval (00) of its own request answered before it");
            } else {
                approvals.remove(match);
            }
        }
    }

    /**
     * INV-2: no more than the first 6 and last 4 digits of any deck PAN on the serial line, in any
     * grouping or track form; posbench's own evidence is checked the same way here, and every file
     * a run writes once the run is over.
     */
    private void noFullPan(List<Line> lines, List<String> violations) {
        String rendered = scenario.transcript().render(scenario.transcriptStart)
                + scenario.bench.bank().renderJournal();
        for (String pan : scenario.bench.config().pans()) {
            for (Line l : lines) {
                Optional<String> shown = Pans.revealed(l.text(), pan);
                if (shown.isPresent()) {
                    violations.add("INV-2 the terminal showed more than the first 6 and last 4 digits of PAN "
                            + Pans.mask(pan) + " on its serial output at " + l.at() + " (\"" + shown.get() + "\")");
                    break;
                }
            }
            if (Pans.revealed(rendered, pan).isPresent()) {
                violations.add("INV-2 posbench's own evidence holds more than the first 6 and last 4 digits of PAN "
                        + Pans.mask(pan));
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

    /**
     * MSG-1: each authorization carries the sale in progress when it reached the bank (its amount,
     * the profile's currency) and the card presented last before it (its PAN, and an entry mode in
     * field 22 that says how it was read: 02/90 stripe or 80 fallback, 05 chip, 07/91 contactless).
     */
    private void authorizationsCarryTheSale(List<Exchange> journal, List<String> violations) {
        String currency = scenario.profile().capabilities().currency();
        for (Exchange e : Exchanges.of(journal, IsoMessage.AUTHORIZATION)) {
            IsoMessage request = e.request().orElseThrow();
            String stan = request.field(11).orElse("?");
            latestBefore(scenario.sales, Scenario.Sale::at, e).ifPresent(sale -> {
                Optional<Long> amount = request.field(4).filter(a -> a.matches("\\d{1,12}")).map(Long::parseLong);
                if (amount.isEmpty() || amount.get() != sale.amount()) {
                    violations.add("MSG-1 the authorization with STAN " + stan + " carries amount "
                            + request.field(4).orElse("(no field 4)") + ", the sale was " + "%012d".formatted(sale.amount()));
                }
            });
            if (!request.field(49).filter(currency::equals).isPresent()) {
                violations.add("MSG-1 the authorization with STAN " + stan + " carries currency "
                        + request.field(49).orElse("(no field 49)") + ", the terminal's is " + currency
                        + " (" + scenario.profile().file() + " capabilities.currency)");
            }
            latestBefore(scenario.presented, Scenario.Presented::at, e).ifPresent(card -> {
                String pan = request.field(2).or(() -> request.field(35).map(t -> t.split("[=D]")[0])).orElse("");
                if (!pan.equals(card.card().pan())) {
                    violations.add("MSG-1 the authorization with STAN " + stan + " carries PAN "
                            + (pan.isEmpty() ? "(none in field 2 or 35)" : Pans.mask(pan)) + ", the card presented was "
                            + card.card().id() + " " + Pans.mask(card.card().pan()));
                }
                String mode = request.field(22).orElse("");
                List<String> expected = switch (card.how()) {
                    case SWIPING -> List.of("02", "90", "80");
                    case INSERTING -> List.of("05");
                    case TAPPING -> List.of("07", "91");
                };
                if (mode.length() < 2 || !expected.contains(mode.substring(0, 2))) {
                    violations.add("MSG-1 the authorization with STAN " + stan + " carries entry mode "
                            + (mode.isEmpty() ? "(no field 22)" : mode) + ", the card was presented by "
                            + card.how().name().toLowerCase(java.util.Locale.ROOT) + " (field 22 starting "
                            + String.join(" or ", expected) + ")");
                }
            });
        }
    }

    /**
     * MSG-2: each reversal names, by its STAN, an authorization the terminal sent this run (in this
     * scenario or before), and repeats its amount, PAN and terminal id; original data (field 90),
     * when the terminal sends it, starts with that authorization's MTI and STAN.
     */
    private void reversalsRepeatTheirAuthorization(List<Exchange> journal, List<String> violations) {
        for (Exchange e : Exchanges.of(journal, IsoMessage.REVERSAL)) {
            IsoMessage reversal = e.request().orElseThrow();
            Optional<String> stan = reversal.field(11);
            Optional<IsoMessage> original = stan.flatMap(scenario.bench.bank()::authorization);
            if (original.isEmpty()) {
                violations.add("MSG-2 a reversal at " + e.at() + " names STAN " + stan.orElse("(no field 11)")
                        + ", which no authorization this run carried");
                continue;
            }
            for (int field : new int[] {2, 4, 41}) {
                Optional<String> was = original.get().field(field);
                Optional<String> is = reversal.field(field);
                if (was.isPresent() && !was.equals(is)) {
                    violations.add("MSG-2 the reversal of STAN " + stan.get() + " carries field " + field + " "
                            + is.map(Pans::maskAll).orElse("(absent)") + ", the authorization it undoes had "
                            + Pans.maskAll(was.get()));
                }
            }
            reversal.field(90).filter(data -> !data.startsWith(IsoMessage.AUTHORIZATION + stan.get()))
                    .ifPresent(data -> violations.add("MSG-2 the reversal of STAN " + stan.get()
                            + " carries original data (field 90) " + Pans.maskAll(data) + " not naming 0100 " + stan.get()));
        }
    }

    /** The last of {@code events} that happened before the bank received {@code e}. */
    private static <T> Optional<T> latestBefore(List<T> events, java.util.function.Function<T, java.time.Instant> at,
            Exchange e) {
        T latest = null;
        for (T event : events) {
            if (!at.apply(event).isAfter(e.at())) {
                latest = event;
            }
        }
        return Optional.ofNullable(latest);
    }

    /**
     * INV-4: one authorization per attempt (no STAN sent twice), and a reversal for every one left
     * without a definitive answer: at once, or, for a profile that reverses before the next online
     * transaction, before the next authorization, in this scenario or a later one.
     */
    private void oneAuthorizationPerAttemptAndReversals(List<Exchange> journal, List<String> violations) {
        String macKey = scenario.bench.config().bank().macKeyHex();
        Duration hostTimeout = scenario.profile().timeouts().host();
        boolean atOnce = scenario.profile().timeouts().reversalAtOnce();
        List<Exchange> authorizations = Exchanges.of(journal, IsoMessage.AUTHORIZATION);
        Set<String> owed = OWED.computeIfAbsent(scenario.bench, b -> new HashSet<>());
        // what earlier scenarios left owed goes before this scenario's first authorization
        if (!authorizations.isEmpty()) {
            for (String stan : owed) {
                if (reversalOf(journal, stan).filter(r -> !r.at().isAfter(authorizations.getFirst().at())).isEmpty()) {
                    violations.add("INV-4 the authorization with STAN " + stan + " of an earlier scenario is still "
                            + "owed a reversal, and the next authorization went out without it");
                }
            }
            owed.clear();
        }
        Set<String> stans = new HashSet<>();
        for (int i = 0; i < authorizations.size(); i++) {
            Exchange e = authorizations.get(i);
            String stan = e.request().flatMap(r -> r.field(11)).orElse("?");
            if (!stans.add(stan)) {
                violations.add("INV-4 two authorizations carry the same STAN " + stan + ": one attempt was sent twice");
            }
            if (Exchanges.definitive(e, macKey, hostTimeout)) {
                continue;
            }
            Optional<Exchange> reversal = reversalOf(journal, stan);
            if (atOnce) {
                if (reversal.isEmpty()) {
                    violations.add("INV-4 the authorization with STAN " + stan
                            + " got no definitive answer, and no reversal for it reached the bank");
                }
            } else if (i + 1 < authorizations.size()) {
                Exchange next = authorizations.get(i + 1);
                if (reversal.filter(r -> !r.at().isAfter(next.at())).isEmpty()) {
                    violations.add("INV-4 the authorization with STAN " + stan + " got no definitive answer, and the "
                            + "next authorization went out before its reversal");
                }
            } else if (reversal.isEmpty()) {
                owed.add(stan);
            }
        }
        journal.stream().filter(e -> Exchanges.is(e, IsoMessage.REVERSAL))
                .forEach(e -> e.request().flatMap(r -> r.field(11)).ifPresent(owed::remove));
    }

    /** Reversals a terminal still owes at the end of a scenario, per bench: the next scenario must send them first. */
    private static final java.util.Map<dev.posbench.bench.Bench, Set<String>> OWED =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private static Optional<Exchange> reversalOf(List<Exchange> journal, String stan) {
        return journal.stream().filter(e -> Exchanges.is(e, IsoMessage.REVERSAL)
                && e.request().flatMap(r -> r.field(11)).filter(stan::equals).isPresent()).findFirst();
    }

}
