package dev.posbench.cli;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The single-file report as a person sees it: HC-01 run for real, its report opened from disk in
 * headless Chromium, and what the browser built checked. The screenshots stay under
 * {@code reports/browser/}. Skipped, saying why, where no Chromium is installed (./.ci/run
 * installs Debian's package).
 */
@Execution(ExecutionMode.CONCURRENT)
@Order(3)
class ReportInBrowserTest {

    /** Where the screenshots are kept for people to look at. */
    static final Path SCREENSHOTS = Path.of("reports", "browser");
    private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(90);

    @Test
    void theTimelineAndTheCertificationSummaryShowInTheReport() throws Exception {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "no Chromium on this machine (looked for chromium and chromium-browser on "
                + "PATH): the report is not checked in a browser; install Debian's package: apt-get install -y chromium");

        Path reports = PosbenchRun.tempDir();
        PosbenchRun run = PosbenchRun.execute("run", "--tags", "@HC-01", "--reports", reports.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        Path index = reports.resolve("allure-report/index.html").toAbsolutePath();
        assertTrue(run.out().contains(reports.resolve("allure-report/index.html").toString()), "the summary names the report");

        JsonNode hc01 = testCase(Files.readString(index), "the bank does not answer within the terminal's timeout");
        String page = "file://" + index + "#testresult/" + hc01.path("uid").asText() + "?attachment=";
        String timelineUrl = page + attachmentUid(hc01, "timeline");
        String summaryUrl = page + attachmentUid(hc01, "certification summary");

        // the chart, as the browser embedded it, tells HC-01 in order
        String timelineDom = look(chromium.get(), timelineUrl, "hc-01-timeline.png");
        String svg = dataUrl(timelineDom, "<object class=\"attachment__embed\" type=\"image/svg\\+xml\" data=\"data:image/svg\\+xml;base64,");
        int from = -1;
        for (String part : List.of("swipe slot", "key * (secret entry) x", "key ENTER", "0100 authorization request",
                "without a word", "COMMUNICATION TIMEOUT", "0400 reversal request", "0410 reversal answer", "WELCOME")) {
            // the next one after what came before: on a busy machine a pause elsewhere is a silence of its own
            int at = svg.indexOf(part, from + 1);
            assertTrue(at > from, "\"" + part + "\" after what came before it in the chart the report shows");
            from = at;
        }

        String summaryDom = look(chromium.get(), summaryUrl, "certification-summary.png");
        String summary = dataUrl(summaryDom, "<iframe class=\"attachment__iframe[^\"]*\" frameborder=\"0\" src=\"data:text/html;base64,");
        assertTrue(summary.contains("posbench certification summary"), summary);
        assertTrue(summary.contains("<td>HC-01</td><td>no answer in time, reversal 98</td><td class=\"passed\">passed</td>"),
                "HC-01 passed in the summary the report shows:\n" + summary);

    }

    /**
     * Opens the page in the browser once: the DOM as the browser built it, and a screenshot of it
     * kept for people to look at.
     */
    private static String look(Path chromium, String url, String screenshot) throws IOException, InterruptedException {
        Files.createDirectories(SCREENSHOTS);
        Path png = SCREENSHOTS.resolve(screenshot).toAbsolutePath();
        Files.deleteIfExists(png);
        String dom = browser(chromium, "--dump-dom", "--screenshot=" + png, "--window-size=1400,1000",
                "--hide-scrollbars", url);
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 10_000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G',
                png + " is a picture of the page");
        return dom;
    }

    private static Optional<Path> chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Runs headless Chromium on a page and returns what it printed on standard output. */
    private static String browser(Path chromium, String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("posbench-chromium");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + profile, "--virtual-time-budget=10000"));
        command.addAll(List.of(args));
        Path err = Files.createTempFile("posbench-chromium", ".log");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(BROWSER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Chromium did not finish within " + BROWSER_TIMEOUT.toSeconds() + " s: " + command);
        }
        assertEquals(0, p.exitValue(), "Chromium failed: " + command + "\n" + Files.readString(err));
        return out;
    }

    /** The content of the base64 data URL that follows {@code prefix} (a regular expression) in the page. */
    private static String dataUrl(String dom, String prefix) {
        Matcher m = Pattern.compile(prefix + "([A-Za-z0-9+/=]+)\"").matcher(dom);
        assertTrue(m.find(), "the page holds no " + prefix.replace("\\", ""));
        return new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8);
    }

    /** The report's own record of a scenario: single-file reports embed their data files as base64. */
    private static JsonNode testCase(String html, String name) throws IOException {
        Matcher m = Pattern.compile("d\\('(data/test-cases/[^']+)','([A-Za-z0-9+/=]+)'\\)").matcher(html);
        ObjectMapper json = new ObjectMapper();
        while (m.find()) {
            JsonNode c = json.readTree(Base64.getDecoder().decode(m.group(2)));
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no scenario \"" + name + "\" in the report");
    }

    private static String attachmentUid(JsonNode testCase, String name) {
        return Stream.of("beforeStages", "afterStages")
                .flatMap(stage -> Stream.of(testCase.path(stage)).flatMap(s -> java.util.stream.StreamSupport.stream(s.spliterator(), false)))
                .flatMap(stage -> java.util.stream.StreamSupport.stream(stage.path("attachments").spliterator(), false))
                .filter(a -> name.equals(a.path("name").asText()))
                .map(a -> a.path("uid").asText())
                .findFirst().orElseThrow(() -> new AssertionError("no attachment \"" + name + "\" on " + testCase.path("name")));
    }
}
