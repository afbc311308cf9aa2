package dev.posbench.report;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.BadInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Execution(ExecutionMode.CONCURRENT)
// Allure's own lifecycle is one per JVM: the classes that set it take turns
@ResourceLock("allure-global-lifecycle")
@Order(7)
class AllureReportTest {

    static final Path ALLURE_HOME = Path.of("target/allure/allure-2.34.0");
    static final String ALLURE_PLUGIN = "io.qameta.allure.cucumber7jvm.AllureCucumber7Jvm";

    @TempDir
    Path dir;

    /** A real run of the fixture with the Allure plugin, into dir/allure-results. */
    private Path results() throws IOException {
        Path results = dir.resolve("allure-results");
        AllureReport.prepareResults(results);
        CucumberFixture.run(CucumberFixture.writeFeature(dir, CucumberFixture.FEATURE), ALLURE_PLUGIN);
        return results;
    }

    @Test
    void generatesASingleFileReportHoldingTheScenarios() throws IOException {
        Path results = results();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("rig", "sim");
        env.put("terminal profile", "reference: 参考");
        AllureReport.writeEnvironment(results, env);

        Path reportDir = dir.resolve("reports/allure-report");
        Path index = AllureReport.generate(results, reportDir, ALLURE_HOME);

        assertEquals(reportDir.toAbsolutePath().resolve("index.html"), index);
        String data = embeddedData(Files.readString(index));
        assertTrue(data.contains("\"three wrong PINs\""), "scenario in the report");
        assertTrue(data.contains("\"the bank times out\""), "scenario in the report");
        assertTrue(data.contains("reference: 参考"), "environment in the report");
        assertFalse(Files.readString(index).contains("googletagmanager"), "no analytics in an offline report");
        try (Stream<Path> left = Files.list(reportDir.getParent())) {
            assertEquals(List.of(reportDir.toAbsolutePath()), left.map(Path::toAbsolutePath).toList(),
                    "no staging directory left beside the report");
        }
    }

    @Test
    void regeneratingReplacesTheWholeReport() throws IOException {
        Path results = results();
        Path reportDir = dir.resolve("allure-report");
        Files.createDirectories(reportDir.resolve("data"));
        Files.writeString(reportDir.resolve("data/stale.json"), "{}");

        Path index = AllureReport.generate(results, reportDir, ALLURE_HOME);

        assertTrue(Files.isRegularFile(index));
        assertFalse(Files.exists(reportDir.resolve("data/stale.json")), "the earlier report is gone whole");
    }

    @Test
    void historyIsCarriedFromRunToRun() throws IOException {
        Path history = dir.resolve("reports/history");
        Path reportDir = dir.resolve("reports/allure-report");
        AllureReport.generate(results(), reportDir, ALLURE_HOME, history);
        assertEquals(java.util.Set.of(1), runsPerScenario(history), "one run in the history");

        Path index = AllureReport.generate(results(), reportDir, ALLURE_HOME, history);

        assertEquals(java.util.Set.of(2), runsPerScenario(history), "each scenario has both runs");
        assertTrue(embeddedData(Files.readString(index)).contains("\"passed\":2"), "the report counts both runs");
        try (Stream<Path> left = Files.list(reportDir.getParent())) {
            assertEquals(List.of("allure-report", "history"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no staging directory left beside the report");
        }
    }

    /** How many runs history.json holds for each scenario. */
    private static java.util.Set<Integer> runsPerScenario(Path history) throws IOException {
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(history.resolve("history.json").toFile());
        java.util.Set<Integer> runs = new java.util.HashSet<>();
        json.forEach(entry -> runs.add(entry.path("items").size()));
        assertFalse(runs.isEmpty(), "history.json names no scenario");
        return runs;
    }

    @Test
    void environmentRoundTripsThroughProperties() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("rig", "sim");
        env.put("terminal profile", "ref=1: 参考 #2");
        env.put("test card", "4761739001010010");
        env.put("git commit", " 6966cfa\\dirty");
        AllureReport.writeEnvironment(dir, env);

        Properties read = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("environment.properties"), StandardCharsets.ISO_8859_1)) {
            read.load(in);
        }
        assertEquals(4, read.size());
        assertEquals("sim", read.getProperty("rig"));
        assertEquals("ref=1: 参考 #2", read.getProperty("terminal profile"));
        assertEquals(CucumberFixture.MASKED_PAN, read.getProperty("test card"));
        assertEquals(" 6966cfa\\dirty", read.getProperty("git commit"));
        assertTrue(Files.readString(dir.resolve("executor.json")).contains("\"name\" : \"posbench\""));
    }

    @Test
    void prepareResultsClearsAnEarlierRunButNothingElse() throws IOException {
        Path results = results();
        long earlier;
        try (Stream<Path> files = Files.list(results)) {
            earlier = files.filter(p -> p.getFileName().toString().endsWith("-result.json")).count();
        }
        assertEquals(5, earlier);
        Files.writeString(results.resolve("notes.txt"), "mine");

        AllureReport.prepareResults(results);

        try (Stream<Path> files = Files.list(results)) {
            assertEquals(List.of("notes.txt"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aMissingCommandLineIsBadInputAndLeavesNoReport() throws IOException {
        Path results = Files.createDirectories(dir.resolve("allure-results"));
        Path reportDir = dir.resolve("allure-report");
        BadInputException e = assertThrows(BadInputException.class,
                () -> AllureReport.generate(results, reportDir, dir.resolve("no-allure-here")));
        assertTrue(e.getMessage().contains("no-allure-here"), e.getMessage());
        assertFalse(Files.exists(reportDir));
    }

    @Test
    void aFailingCommandLineKeepsTheEarlierReportAndSaysWhy() throws IOException {
        Path results = Files.createDirectories(dir.resolve("allure-results"));
        Path reportDir = Files.createDirectories(dir.resolve("allure-report"));
        Files.writeString(reportDir.resolve("index.html"), "earlier report");
        // a command line that writes part of a report, then fails
        Path home = dir.resolve("broken-allure");
        Path launcher = Files.createDirectories(home.resolve("bin")).resolve("allure");
        Files.writeString(launcher, """
                #!/bin/sh
                mkdir -p "$6" && echo half > "$6/index.html"
                echo "cannot read result for 4761739001010010"
                echo "java.io.IOException: disk full" >&2
                exit 3
                """);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));

        ReportException e = assertThrows(ReportException.class, () -> AllureReport.generate(results, reportDir, home));

        assertTrue(e.getMessage().contains("exit 3"), e.getMessage());
        assertTrue(e.getMessage().contains("java.io.IOException: disk full"), "the tool's output tail: " + e.getMessage());
        assertTrue(e.getMessage().contains(CucumberFixture.MASKED_PAN), e.getMessage());
        assertFalse(e.getMessage().contains(CucumberFixture.PAN), e.getMessage());
        assertEquals("earlier report", Files.readString(reportDir.resolve("index.html")));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".")).toList(),
                    "the half-written report is gone");
        }
    }

    /**
     * A single-file Allure report embeds its data files as base64 in calls like
     * {@code d('data/test-cases/x.json','eyJ...')}; this decodes and joins them.
     */
    static String embeddedData(String html) {
        Matcher m = Pattern.compile("d\\('([^']+)','([A-Za-z0-9+/=]+)'\\)").matcher(html);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            out.append(m.group(1)).append('\n')
                    .append(new String(Base64.getDecoder().decode(m.group(2)), StandardCharsets.UTF_8)).append('\n');
        }
        assertFalse(out.isEmpty(), "no embedded data found in the report");
        return out.toString();
    }
}
