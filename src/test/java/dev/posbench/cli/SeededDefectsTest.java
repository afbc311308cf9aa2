package dev.posbench.cli;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.report.RunSummary;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A scenario about a failure path must fail when the terminal mishandles that path. Each case runs
 * the suite's own scenarios against the reference terminal carrying one seeded defect, and checks
 * that the scenarios of every path that defect breaks fail (not as bad input). {@link SuiteTest}
 * shows the same scenarios pass on the sound terminal; {@link #everyCatalogPathIsProven} that no
 * path of the catalog is left without such a proof.
 */
@Execution(ExecutionMode.CONCURRENT)
@Order(1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeededDefectsTest {

    /**
     * defect | the paths it breaks | which of their scenarios ("*" every one that applies to the
     * profile, or a fragment of the scenario's name) | the reason each of those scenarios must give,
     * in the first line of its failure (fragments joined by " ... " must all be there, in order: the
     * outcome and how the wait for it ended).
     */
    static final String PROOFS = """
            accept-damaged-stripe      | CR-01 | damaged stripe         | expected READ_ERROR ... finished the transaction without showing it
            blank-stripe-as-invalid    | CR-01 | demagnetised stripe    | expected READ_ERROR ... finished the transaction without showing it
            ignore-speed               | CR-02 | *                      | expected READ_ERROR ... finished the transaction without showing it
            accept-swiped-chip         | CR-03 | *                      | expected INSERT_CHIP ... finished the transaction without showing it
            ignore-service-code-6      | CR-03 | 6xx service code       | expected INSERT_CHIP ... finished the transaction without showing it
            fallback-always            | CR-04 | fallback closed        | expected FALLBACK_NOT_ALLOWED
            ignore-card-removal        | CR-05 | *                      | expected CARD_REMOVED
            skip-support-check         | CR-06 | *                      | expected CARD_NOT_SUPPORTED
            skip-bin-check             | CR-06 | BIN                    | expected CARD_NOT_SUPPORTED
            skip-expiry-check          | CR-07 | refused                | expected CARD_EXPIRED
            skip-expiry-check          | CR-07 | own data says          | expected CARD_EXPIRED
            expiry-one-month-late      | CR-07 | expired last month     | expected CARD_EXPIRED
            expired-in-expiry-month    | CR-07 | expiring this month    | the last it showed was "DISP 过期卡 / CARD EXPIRED"
            skip-luhn-check            | CR-08 | Luhn check             | expected INVALID_CARD
            skip-pan-length-check      | CR-08 | is refused             | expected INVALID_CARD
            pan-16-digits-only         | CR-08 | is read and approved   | the last it showed was "DISP 无效卡号 / INVALID CARD"
            pan-16-digits-only         | control | 19-digit             | the last it showed was "DISP 无效卡号 / INVALID CARD"
            approve-on-decline         | CV-01 CV-09 HC-07 HC-08 | *      | but the terminal finished the transaction without showing it
            approve-on-decline         | ID-01 ID-02 ID-03 ID-04 ID-05 ID-06 ID-07 ID-08 ID-09 | * | but the terminal finished the transaction without showing it
            approve-on-decline         | ID-10 ID-11 ID-12 ID-13 ID-14 ID-15 ID-16 ID-17 | * | but the terminal finished the transaction without showing it
            clear-pin-in-request       | CV-01 control | online PIN     | field 52 is not an 8-byte PIN block
            ignore-pin-tries           | CV-02 | *                      | expected PIN_TRIES_EXCEEDED
            offline-pin-no-retry       | CV-03 | *                      | expected ENTER_PIN
            no-tries-left              | CV-03 | *                      | without the number of tries left
            ignore-pin-blocked         | CV-04 | *                      | expected PIN_BLOCKED
            last-pin-try-as-wrong      | CV-04 | three wrong offline PINs | expected PIN_BLOCKED
            no-pin-timeout             | CV-05 | *                      | expected TIMEOUT
            ignore-cancel              | CV-06 | *                      | expected CANCELLED
            omit-otp-code              | CV-07 | the right code is approved | expected APPROVED
            no-step-up                 | CV-08 | *                      | expected INSERT_AND_PIN ... finished the transaction without showing it
            ignore-cvm-limit           | CV-08 | over the contactless CVM limit | expected ENTER_PIN
            generic-decline            | ID-01 ID-02 ID-04 ID-10 ID-17 HC-07 HC-08 | * | but the terminal finished the transaction without showing it
            no-reversal                | HC-01 | *                      | the bank did not receive a reversal (0400)
            no-reversal                | HC-03 | *                      | the bank did not receive a reversal (0400)
            no-reversal                | HC-04 | *                      | the bank did not receive a reversal (0400)
            no-reversal                | CR-05 | after the bank approved | the bank did not receive a reversal (0400) with reason 06
            refused-as-timeout         | HC-02 | *                      | expected HOST_UNREACHABLE
            ignore-mac                 | HC-05 | *                      | expected COMM_ERROR
            ignore-echo                | HC-06 | *                      | expected COMM_ERROR
            ignore-terminal-id-echo    | HC-06 | another terminal id    | expected COMM_ERROR
            ignore-mti-echo            | HC-06 | another message type   | expected COMM_ERROR
            no-sign-on                 | HC-09 | MAC (A0)               | the bank did not receive a sign-on (0800)
            no-sign-on                 | HC-09 | PIN format (99)        | the bank did not receive a sign-on (0800)
            no-sign-on                 | HC-09 | the sign-on fails      | the bank did not receive a sign-on (0800)
            sign-on-only-on-a0         | HC-09 | PIN format (99)        | the bank did not receive a sign-on (0800)
            retry-after-failed-sign-on | HC-09 | the sign-on fails      | the bank received 2 authorization(s), expected 1
            give-up-early              | HC-10 | *                      | expected APPROVED
            early-approval             | HC-10 | *                      | (INV-1 the terminal showed APPROVED at
            drop-unanswered-reversal   | HC-11 | retried, kept          | the bank did not receive 3 reversal(s) of the authorization
            volatile-reversal          | HC-11 | power cut              | the first request after the bank came back is not the reversal of STAN
            amount-off-by-one          | control | *                    | (MSG-1 the authorization with STAN
            chip-as-swipe              | control | chip card            | carries entry mode 021, the card was presented by inserting
            reversal-wrong-amount      | HC-01 HC-03 | *                | carries field 4 000000000000, the authorization it undoes had
            duplicate-authorization    | control | stripe card          | (INV-4 two authorizations carry the same STAN
            duplicate-authorization    | control | chip card            | the bank received 2 authorization(s), expected 1
            """;

    @ParameterizedTest(name = "a terminal with {0} fails {1} ({2})")
    @CsvSource(delimiter = '|', textBlock = PROOFS)
    void scenariosFailOnTheDefect(String defect, String ids, String only, String reason) {
        assertFalse(reason == null || reason.isBlank(), "a proof names the reason its scenarios fail for");
        List<String> paths = Arrays.asList(ids.strip().split("\\s+"));
        String tags = paths.stream().map(id -> "@" + id).collect(Collectors.joining(" or "));
        List<String> args = new java.util.ArrayList<>(List.of("--tags", tags, "--sim-defect", defect));
        if (!only.strip().equals("*")) {
            // only the scenarios the proof is about: the others of those paths would run for nothing
            args.addAll(List.of("--name", java.util.regex.Pattern.quote(only.strip())));
        }
        PosbenchRun run = PosbenchRun.run(args.toArray(String[]::new));
        assertEquals(ExitCode.FAILED, run.exitCode(), run.out() + run.err());
        assertBroken(run, paths, only.strip(), reason.strip());
    }

    /**
     * Every scenario of those paths (of that name, when {@code only} is not "*") that applies to
     * the profile failed, and each one's own failure line gives the reason: not another step's
     * timeout, not a scenario that never began.
     */
    static void assertBroken(PosbenchRun run, List<String> paths, String only, String reason) {
        for (String id : paths) {
            List<PosbenchRun.Row> scenarios = run.rows().stream()
                    .filter(r -> r.isFor(id.equals("control") ? "-" : id))
                    .filter(r -> !r.outcome().equals("NOT APPLICABLE"))
                    .filter(r -> only.equals("*") || r.name().contains(only))
                    .toList();
            assertFalse(scenarios.isEmpty(), "no scenario of " + id + " matching \"" + only + "\" ran:\n" + run.out());
            for (PosbenchRun.Row r : scenarios) {
                assertEquals("FAILED", r.outcome(), id + " \"" + r.name() + "\" did not fail:\n" + run.out());
                assertFalse(r.failure().startsWith(RunSummary.BEFORE_THE_SCENARIO),
                        "a scenario that never began proves nothing: " + r);
                assertTrue(saysInOrder(r.failure(), reason.split(" \\.\\.\\. ")), id + " \"" + r.name()
                        + "\" failed, but not saying \"" + reason + "\": " + r.failure());
            }
        }
    }

    private static boolean saysInOrder(String failure, String... fragments) {
        int from = 0;
        for (String fragment : fragments) {
            int at = failure.indexOf(fragment, from);
            if (at < 0) {
                return false;
            }
            from = at + fragment.length();
        }
        return true;
    }

    /**
     * The reference terminal's setting B (fallback open, reversal before the next online
     * transaction, no sign-on): the scenarios only it can take, and the deferred reversals the
     * bench brings out with a follow-up purchase, fail on a terminal that gets them wrong.
     */
    @ParameterizedTest(name = "setting B: a terminal with {0} fails {1}")
    @CsvSource(delimiter = '|', textBlock = """
            no-fallback-mark | CR-04       | the authorization carries entry mode 021 (field 22), not a fallback
            no-reversal      | HC-01       | the bank did not receive a reversal (0400) with reason 98
            approve-on-decline | HC-09     | expected SIGN_ON_REQUIRED
            """)
    void settingBScenariosFailOnTheDefect(String defect, String id, String reason) {
        PosbenchRun run = PosbenchRun.run("--profile", "bench-config/terminals/reference-b.yaml", "--tags", "@" + id,
                "--sim-defect", defect);
        assertEquals(ExitCode.FAILED, run.exitCode(), run.out() + run.err());
        assertBroken(run, List.of(id), "*", reason.strip());
    }

    /** Every id of the catalog's CR, CV, ID and HC families has a proof above. */
    @Test
    void everyCatalogPathIsProven() {
        String proven = PROOFS.lines().map(l -> l.split("\\|")[1]).collect(Collectors.joining(" "));
        for (String family : List.of("CR-0%d:8", "CV-0%d:9", "ID-%02d:17", "HC-%02d:11")) {
            String format = family.substring(0, family.indexOf(':'));
            int last = Integer.parseInt(family.substring(family.indexOf(':') + 1));
            for (int n = 1; n <= last; n++) {
                String id = String.format(format, n);
                assertTrue(proven.contains(id), id + " has no seeded-defect proof");
            }
        }
    }

    /**
     * A scenario that asserts nothing itself: on the sound terminal it passes, so each failure is the
     * invariant's. First, and INV-5 first of all: a terminal that never returns to idle is waited
     * for longest, and a long case started last would hold up the whole test run.
     */
    @Order(1)
    @ParameterizedTest(name = "{1} catches a terminal with {0}")
    @CsvSource(delimiter = '|', textBlock = """
            stuck-after-result      | INV-5 | declined for insufficient funds
            approve-on-decline      | INV-1 | declined for insufficient funds
            full-pan-on-display     | INV-2 | declined for insufficient funds
            pin-on-display          | INV-3 | declined for insufficient funds
            clear-pin-in-request    | INV-3 | declined for insufficient funds
            duplicate-authorization | INV-4 | declined for insufficient funds
            amount-off-by-one       | MSG-1 | declined for insufficient funds
            reversal-wrong-amount   | MSG-2 | the bank never answers
            """)
    void invariantCatchesTheDefect(String defect, String invariant, String scenario) {
        // the one scenario that shows the defect: both pass on the sound terminal (below)
        PosbenchRun run = PosbenchRun.run("--features", "src/test/resources/features/invariants.feature",
                "--name", java.util.regex.Pattern.quote(scenario), "--sim-defect", defect);
        assertEquals(ExitCode.FAILED, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("invariants violated: ") && run.out().contains(invariant),
                "expected " + invariant + " to be reported:\n" + run.out());
    }

    @Test
    void invariantsScenarioPassesOnTheSoundTerminal() {
        PosbenchRun run = PosbenchRun.run("--features", "src/test/resources/features/invariants.feature");
        assertEquals(ExitCode.PASSED, run.exitCode(), run.out() + run.err());
    }
}
