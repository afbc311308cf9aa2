package dev.posbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cucumber.plugin.event.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LiveConsoleTest {

    private static RunSummary.ScenarioResult passed(String id, String name, long millis) {
        return new RunSummary.ScenarioResult(List.of(id), name, Status.PASSED, Duration.ofMillis(millis), Optional.empty());
    }

    @Test
    void withoutATerminalEachScenarioIsOnePlainLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveConsole live = new LiveConsole(new PrintWriter(bytes, true, StandardCharsets.UTF_8), false, 1);
        live.plan(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2)));
        live.finished(passed("CV-01", "a", 1500));
        live.finished(new RunSummary.ScenarioResult(List.of("HC-01"), "b", Status.FAILED, Duration.ofMillis(2000),
                Optional.of(new RunSummary.Failure("expected COMM_TIMEOUT", RunSummary.Cause.TERMINAL))));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("\r") || out.contains("\033"), "no progress line, no escape codes in a CI log: " + out);
        List<String> lines = out.lines().toList();
        assertEquals(3, lines.size(), out);
        assertTrue(lines.get(0).startsWith("[1/2] CV-01 ") && lines.get(0).contains("PASSED") && lines.get(0).endsWith(" a"), out);
        assertTrue(lines.get(1).startsWith("[2/2] HC-01 ") && lines.get(1).contains("FAILED"), out);
        assertEquals("expected COMM_TIMEOUT", lines.get(2).strip(), "the failure under its row, as in the summary");
    }

    @Test
    void onATerminalTheProgressLineEstimatesFromTheLastRunSharedAmongTheBenches() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveConsole live = new LiveConsole(new PrintWriter(bytes, true, StandardCharsets.UTF_8), true, 2);
        live.plan(List.of(Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofSeconds(2), Duration.ofSeconds(2)));
        live.finished(passed("CV-01", "a", 1500));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("\r\033[K"), "the progress line is redrawn in place");
        // nothing started yet as far as the console knows: 14 s of work on two benches
        assertEquals("scenario 2 of 4  elapsed 5.0 s  about 7.0 s left", live.progressLine(Duration.ofSeconds(5)));
    }

    @Test
    void beforeThePlanIsKnownThereIsNoEstimate() {
        LiveConsole live = new LiveConsole(new PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), true, 1);
        assertEquals("scenario 1  elapsed 0.0 s", live.progressLine(Duration.ZERO));
    }
}
