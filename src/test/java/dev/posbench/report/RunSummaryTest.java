package dev.posbench.report;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.BadInputException;
import dev.posbench.report.RunSummary.Result;
import dev.posbench.report.beforeall.FailingStart;
import dev.posbench.report.RunSummary.ScenarioResult;
import io.cucumber.core.gherkin.FeatureParserException;
import io.cucumber.plugin.event.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Execution(ExecutionMode.CONCURRENT)
// Allure's own lifecycle is one per JVM: the classes that set it take turns
@ResourceLock("allure-global-lifecycle")
class RunSummaryTest {

    @TempDir
    Path dir;

    private Result runFixture() throws Exception {
        Path feature = CucumberFixture.writeFeature(dir, CucumberFixture.FEATURE);
        try (RunSummary.Capture capture = RunSummary.capture()) {
            byte status = CucumberFixture.run(feature, RunSummary.class.getName());
            assertEquals(1, status, "the fixture has failing scenarios");
            return capture.result().orElseThrow();
        }
    }

    @Test
    void recordsEveryScenarioFromARealRun() throws Exception {
        Result result = runFixture();

        List<ScenarioResult> s = result.scenarios();
        assertEquals(5, s.size());
        // in feature order
        assertEquals(List.of("three wrong PINs", "the bank times out", "a misconfigured rig",
                "an undefined step for " + CucumberFixture.MASKED_PAN, "tags that are no path ids"),
                s.stream().map(ScenarioResult::name).toList());
        assertEquals(List.of(List.of("CV-02"), List.of("HC-01", "HC-03"), List.of("CR-01"), List.of(), List.of("INV-7")),
                s.stream().map(ScenarioResult::pathIds).toList());
        assertEquals(List.of(Status.PASSED, Status.FAILED, Status.FAILED, Status.UNDEFINED, Status.PASSED),
                s.stream().map(ScenarioResult::status).toList());

        assertTrue(s.get(0).failure().isEmpty());
        assertTrue(s.get(0).duration().compareTo(Duration.ofMillis(300)) >= 0, s.get(0).duration()::toString);

        RunSummary.Failure timeout = s.get(1).failure().orElseThrow();
        assertEquals("expected COMM_TIMEOUT, last seen APPROVED for " + CucumberFixture.MASKED_PAN, timeout.message());
        assertFalse(timeout.badInput());

        RunSummary.Failure rig = s.get(2).failure().orElseThrow();
        assertTrue(rig.badInput(), "a BadInputException in the cause chain is bad input");
        assertEquals("bench-config/rig.yaml: outputs.swipe: no pin named 'swipe-carriage'", rig.message());

        RunSummary.Failure undefined = s.get(3).failure().orElseThrow();
        assertFalse(undefined.badInput());
        assertTrue(undefined.message().contains("nobody wrote this step"), undefined.message());

        assertEquals(2, result.passed());
        assertEquals(3, result.failed());
        assertTrue(result.hasBadInput());
        assertTrue(result.runFailure().isEmpty());

        RunSummary.SlowStep slowest = result.slowest().orElseThrow();
        assertEquals("When the summary fixture takes 300 ms", slowest.text());
        assertEquals("three wrong PINs", slowest.scenario());
        assertTrue(slowest.duration().compareTo(Duration.ofMillis(300)) >= 0);
        assertTrue(result.wall().compareTo(slowest.duration()) >= 0, "the run lasts at least its slowest step");
    }

    @Test
    void rendersACompactTableWithTotalsAndBadInput() throws Exception {
        Result result = runFixture();
        String text = result.render(Path.of("reports/allure-report/index.html"));
        List<String> lines = text.lines().toList();

        assertTrue(lines.contains("2 passed, 3 failed"), text);
        assertTrue(lines.stream().anyMatch(l -> l.matches("CV-02 +PASSED +0\\.[3-9] s +three wrong PINs")), text);
        assertTrue(lines.stream().anyMatch(l -> l.matches("HC-01,HC-03 +FAILED +\\d+\\.\\d s +the bank times out")), text);
        assertTrue(lines.stream().anyMatch(l -> l.matches("CR-01 +BAD INPUT .*a misconfigured rig")), text);
        assertTrue(lines.stream().anyMatch(l -> l.matches("- +UNDEFINED .*an undefined step for 476173\\*{6}0010")), text);
        // a failure's first line sits under its row
        int row = indexOf(lines, "the bank times out");
        assertTrue(lines.get(row + 1).strip().startsWith("expected COMM_TIMEOUT"), text);
        assertTrue(lines.stream().anyMatch(l -> l.matches("slowest step 0\\.[3-9] s: When the summary fixture takes 300 ms \\(three wrong PINs\\)")), text);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("wall time ")), text);
        assertTrue(lines.contains("  CR-01 a misconfigured rig: bench-config/rig.yaml: outputs.swipe: no pin named 'swipe-carriage'"), text);
        assertEquals("report: reports/allure-report/index.html", lines.getLast());
        assertFalse(text.contains(CucumberFixture.PAN), text);
        assertTrue(result.render(null).endsWith("report: not generated\n"));
    }

    @Test
    void aFailureBeforeAnyScenarioIsARunFailure() throws Exception {
        Path feature = CucumberFixture.writeFeature(dir, CucumberFixture.FEATURE);
        FailingStart.arm(true);
        try (RunSummary.Capture capture = RunSummary.capture()) {
            // Cucumber reports the failed start to plugins, then throws it out of Main.run
            assertThrows(BadInputException.class, () -> CucumberFixture.run(feature,
                    List.of("dev.posbench.report.glue", "dev.posbench.report.beforeall"), RunSummary.class.getName()));
            Result result = capture.result().orElseThrow();
            assertTrue(result.scenarios().isEmpty());
            RunSummary.Failure failure = result.runFailure().orElseThrow();
            assertTrue(failure.badInput());
            assertEquals("bench-config/rig.yaml: serial.port: /dev/ttyUSB7 does not exist", failure.message());
            assertTrue(result.hasBadInput());
            assertTrue(result.render(null).lines().toList().contains(
                    "run failed on bad input: bench-config/rig.yaml: serial.port: /dev/ttyUSB7 does not exist"),
                    result.render(null));
        } finally {
            FailingStart.arm(false);
        }
    }

    @Test
    void aFeatureThatDoesNotParseNeverStartsARun() throws Exception {
        Path feature = CucumberFixture.writeFeature(dir, "Feature: broken\n  Scenario: one\n    Given a step\n  Examples oops\n");
        try (RunSummary.Capture capture = RunSummary.capture()) {
            // Cucumber parses every feature before starting: the caller gets the parser's exception
            assertThrows(FeatureParserException.class, () -> CucumberFixture.run(feature, RunSummary.class.getName()));
            assertTrue(capture.result().isEmpty());
        }
    }

    @Test
    void aCaptureHoldsOnlyTheRunMadeWhileItWasOpen() throws Exception {
        runFixture();
        Path feature = CucumberFixture.writeFeature(dir, CucumberFixture.FEATURE);
        try (RunSummary.Capture capture = RunSummary.capture()) {
            CucumberFixture.run(feature, "rerun:" + dir.resolve("rerun.txt")); // a run without this plugin
            assertTrue(capture.result().isEmpty(), "no earlier run's verdicts");
        }
    }

    @Test
    void oneCaptureAtATime() {
        try (RunSummary.Capture first = RunSummary.capture()) {
            assertThrows(IllegalStateException.class, RunSummary::capture);
        }
        RunSummary.capture().close(); // open again once the first is closed
    }

    private static int indexOf(List<String> lines, String fragment) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i;
            }
        }
        throw new AssertionError(fragment + " not in " + lines);
    }
}
