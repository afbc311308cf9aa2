package dev.posbench.cli;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The suite {@code posbench run} runs, on the sound reference terminal: every scenario passes and leaves evidence. */
@Execution(ExecutionMode.CONCURRENT)
@Order(2)
class SuiteTest {

    @Test
    void theWholeSuitePassesAndWritesTheReport() throws IOException {
        Path reports = PosbenchRun.tempDir();
        // the HTML report is ReportInBrowserTest's to check; this run is about verdicts and evidence
        PosbenchRun run = PosbenchRun.execute("run", "--no-html", "--reports", reports.toString());
        assertEquals(ExitCode.PASSED, run.exitCode(), run.out() + run.err());
        // every path of the catalog has a scenario in the suite, and it passes on the sound terminal
        for (String family : new String[] {"CR-0%d:8", "CV-0%d:9", "ID-%02d:17", "HC-%02d:11"}) {
            String format = family.substring(0, family.indexOf(':'));
            for (int n = 1; n <= Integer.parseInt(family.substring(family.indexOf(':') + 1)); n++) {
                String id = String.format(format, n);
                assertFalse(run.outcomes(id).isEmpty(), id + " has no scenario:\n" + run.out());
                // a scenario about a setting this profile does not have is not applicable; one at least passes
                assertTrue(run.outcomes(id).contains("PASSED") && run.outcomes(id).stream()
                        .allMatch(o -> o.equals("PASSED") || o.equals("NOT APPLICABLE")), id + ":\n" + run.out());
            }
        }
        assertTrue(run.out().contains("0 failed"), run.out());
        assertTrue(run.out().contains("slowest step"), run.out());

        try (Stream<Path> files = Files.list(reports.resolve("allure-results"))) {
            String evidence = String.join("\n", files.filter(f -> f.toString().endsWith(".txt"))
                    .map(SuiteTest::read).toList());
            assertTrue(evidence.contains("DISP"), "the serial transcripts are attached");
            assertTrue(evidence.contains("0100"), "the bank journals are attached");
            assertTrue(evidence.contains("swipe slot"), "the actuation logs are attached");
            for (String pan : new String[] {"4761739001010119", "6225880012345675"}) {
                assertFalse(evidence.contains(pan), "no full PAN in the evidence");
            }
            assertTrue(evidence.contains("622588******5675"), "PANs are masked to 6+4");
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
