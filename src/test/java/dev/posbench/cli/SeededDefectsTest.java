package dev.posbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A scenario about a failure path must fail when the terminal mishandles that path. Each case runs
 * the real suite's scenario against the reference terminal carrying one seeded defect, and checks
 * that it fails for the right reason; the same scenario passes on the sound terminal in
 * {@link SuiteTest}.
 */
class SeededDefectsTest {

    @ParameterizedTest(name = "{0} fails on a terminal with {1}")
    @CsvSource(delimiter = '|', textBlock = """
            CR-03 | accept-swiped-chip     | expected INSERT_CHIP
            CV-01 | approve-on-decline     | expected INCORRECT_PIN
            CV-01 | clear-pin-in-request   | field 52
            CV-02 | ignore-pin-tries       | expected PIN_TRIES_EXCEEDED
            ID-04 | approve-on-decline     | expected PICK_UP_CARD
            ID-04 | generic-decline        | expected PICK_UP_CARD
            HC-01 | no-reversal            | a reversal (0400) with reason 98
            """)
    void catalogScenarioFailsOnTheDefect(String pathId, String defect, String reason) {
        PosbenchRun run = PosbenchRun.run("--tags", "@" + pathId, "--sim-defect", defect);
        assertEquals(ExitCode.FAILED, run.exitCode(), run.out() + run.err());
        String row = run.row(pathId);
        assertTrue(row.contains("FAILED"), row);
        assertTrue(row.contains(reason), "expected the failure to say \"" + reason + "\":\n" + row);
    }

    @ParameterizedTest(name = "the approved control fails on a terminal with {0}")
    @CsvSource(delimiter = '|', textBlock = """
            clear-pin-in-request   | field 52
            stuck-after-result     | INV-5
            duplicate-authorization| the bank received 2 authorization(s), expected 1
            """)
    void controlFailsOnTheDefect(String defect, String reason) {
        PosbenchRun run = PosbenchRun.run("--tags", "@control", "--sim-defect", defect);
        assertEquals(ExitCode.FAILED, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains(reason), "expected a failure saying \"" + reason + "\":\n" + run.out());
    }

    /** A scenario that asserts nothing itself: on the sound terminal it passes, so each failure is the invariant's. */
    @ParameterizedTest(name = "{1} catches a terminal with {0}")
    @CsvSource(delimiter = '|', textBlock = """
            approve-on-decline      | INV-1
            full-pan-on-display     | INV-2
            pin-on-display          | INV-3
            clear-pin-in-request    | INV-3
            duplicate-authorization | INV-4
            stuck-after-result      | INV-5
            """)
    void invariantCatchesTheDefect(String defect, String invariant) {
        PosbenchRun run = PosbenchRun.run("--features", "src/test/resources/features/invariants.feature",
                "--sim-defect", defect);
        assertEquals(ExitCode.FAILED, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("invariants violated: ") && run.out().contains(invariant),
                "expected " + invariant + " to be reported:\n" + run.out());
    }

    @org.junit.jupiter.api.Test
    void invariantsScenarioPassesOnTheSoundTerminal() {
        PosbenchRun run = PosbenchRun.run("--features", "src/test/resources/features/invariants.feature");
        assertEquals(ExitCode.PASSED, run.exitCode(), run.out() + run.err());
    }
}
