package dev.posbench.report;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Execution(ExecutionMode.CONCURRENT)
// Allure's own lifecycle is one per JVM: the classes that set it take turns
@ResourceLock("allure-global-lifecycle")
class EvidenceTest {

    @TempDir
    Path dir;

    @Test
    void attachedTextIsMaskedInTheResults() throws IOException {
        Path results = dir.resolve("allure-results");
        // a plain writer, without the masking one prepareResults installs: Evidence masks on its own
        Allure.setLifecycle(new AllureLifecycle(new FileSystemResultsWriter(results)));
        byte status = CucumberFixture.run(CucumberFixture.writeFeature(dir, CucumberFixture.EVIDENCE_FEATURE),
                AllureReportTest.ALLURE_PLUGIN);
        assertEquals(0, status);

        List<Path> attachments = files(results, "-attachment.txt");
        assertEquals(1, attachments.size());
        assertEquals("PAN " + CucumberFixture.MASKED_PAN + " read, amount 000000001000",
                Files.readString(attachments.getFirst()), "masked; the 12-digit amount stays");
        String result = Files.readString(files(results, "-result.json").getFirst());
        assertTrue(result.contains("\"name\":\"serial transcript of " + CucumberFixture.MASKED_PAN + "\""), result);
        assertTrue(result.contains("\"type\":\"text/plain\""), result);
    }

    @Test
    void noFullPanReachesAnyResultFile() throws IOException {
        Path results = dir.resolve("allure-results");
        AllureReport.prepareResults(results);
        // the step text, a scenario name and an assertion message carry a PAN too
        CucumberFixture.run(CucumberFixture.writeFeature(dir, CucumberFixture.FEATURE + CucumberFixture.EVIDENCE_FEATURE
                .replace("Feature: Evidence fixture", "")), AllureReportTest.ALLURE_PLUGIN);

        List<Path> all = files(results, "");
        assertTrue(all.size() > 6, all::toString);
        boolean sawMasked = false;
        for (Path file : all) {
            String text = Files.readString(file);
            assertFalse(text.contains(CucumberFixture.PAN), file + ": " + text);
            sawMasked |= text.contains(CucumberFixture.MASKED_PAN);
        }
        assertTrue(sawMasked, "the masked PAN is there in its place");
        String failed = files(results, "-result.json").stream().map(EvidenceTest::read)
                .filter(t -> t.contains("the bank times out")).findFirst().orElseThrow();
        assertTrue(failed.contains("last seen APPROVED for " + CucumberFixture.MASKED_PAN), failed);
        assertTrue(failed.contains("\"start\":1"), "timestamps are numbers, untouched: " + failed);
    }

    @Test
    void outsideAScenarioNothingIsWritten() throws IOException {
        Path results = dir.resolve("allure-results");
        AllureReport.prepareResults(results);

        Evidence.attachText("transcript", "PAN " + CucumberFixture.PAN);
        Evidence.attachJson("journal", "{\"pan\":\"" + CucumberFixture.PAN + "\"}");

        assertEquals(List.of(), files(results, ""));
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
