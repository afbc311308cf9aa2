package dev.posbench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.posbench.channel.Pans;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.FixtureResult;
import io.qameta.allure.model.Stage;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.TestResultContainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The certification summary of a run: every catalog id and variant with its result (passed,
 * failed, not applicable, not run), the firmware and profile under test, the run's date and rig,
 * and a SHA-256 digest of every evidence file, so a lab can check that nothing was edited
 * afterwards.
 *
 * <p>The digests are kept in {@code SHA256SUMS} beside the evidence, in the format of
 * {@code sha256sum}: {@code cd reports && sha256sum -c SHA256SUMS} verifies every file. The digest
 * of the whole is the SHA-256 of the evidence lines of that file (all but the summary's own line
 * and the report's), printed on the summary page.
 */
public final class Certification {

    public static final String SUMS = "SHA256SUMS";
    public static final String PAGE = "certification.html";
    /**
     * The summary's files among the results, named apart from the adapter's (UUIDs): not evidence
     * but a view of it, so left out of the digests, cleared when a run starts, and not taken along
     * when the results of several rigs are merged (the merged report gets a summary of its own).
     */
    static final String CONTAINER = "posbench-certification-container.json";
    static final String ATTACHMENT = "posbench-certification-attachment.html";

    /** What was under test, where and when. */
    public record Subject(String firmware, String profile, String rig, String posbench, Instant date) {}

    /** One catalog variant and its result in this run. */
    public record Row(String id, String variant, String result, List<String> scenarios) {

        public Row {
            scenarios = List.copyOf(scenarios);
        }
    }

    /** One evidence file, by its path relative to the reports folder (with {@code /}), and its digest. */
    public record Digest(String path, String sha256) {

        /** As {@code sha256sum} writes it and {@code sha256sum -c} reads it. */
        String line() {
            return sha256 + "  " + path + "\n";
        }
    }

    private Certification() {}

    /**
     * Writes the summary: digests every file of the run's results and the JUnit XML, writes
     * {@code reports/certification.html}, the same page into the results (so the HTML report
     * shows it, beside every scenario, as a tear-down attachment), and {@code reports/SHA256SUMS}.
     * Call it once the run is over and the JUnit XML masked, before generating the report.
     *
     * @return the page
     */
    public static Path write(Path reports, Path results, Path catalog, Path features, Subject subject) {
        try {
            List<Catalog.Scenario> scenarios = Catalog.scenarios(features);
            Map<String, String> statuses = Catalog.statuses(results);
            List<Row> rows = new ArrayList<>();
            for (Catalog.Variant v : Catalog.variants(catalog)) {
                List<Catalog.Scenario> covering = Catalog.covering(v, scenarios);
                rows.add(new Row(v.id(), v.name(), Catalog.combined(covering, statuses),
                        covering.stream().map(Catalog.Scenario::name).toList()));
            }
            List<Digest> evidence = new ArrayList<>();
            // the results' own files: history/ below them is Allure's input from earlier runs, replaced when generating
            try (Stream<Path> files = Files.list(results)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (!name.equals(CONTAINER) && !name.equals(ATTACHMENT)) {
                        evidence.add(digest(reports, f));
                    }
                }
            }
            Path junit = reports.resolve("junit.xml");
            if (Files.isRegularFile(junit)) {
                evidence.add(digest(reports, junit));
            }
            String whole = sha256(String.join("", evidence.stream().map(Digest::line).toList())
                    .getBytes(StandardCharsets.UTF_8));
            String html = Pans.maskAll(html(subject, rows, evidence, whole));
            Path page = reports.resolve(PAGE);
            Files.writeString(page, html, StandardCharsets.UTF_8);
            StringBuilder sums = new StringBuilder();
            evidence.forEach(d -> sums.append(d.line()));
            sums.append(digest(reports, page).line());
            Files.writeString(reports.resolve(SUMS), sums, StandardCharsets.UTF_8);
            attachToEveryResult(results, html, subject.date());
            return page;
        } catch (IOException e) {
            throw new ReportException("cannot write the certification summary into " + reports + ": " + e, e);
        }
    }

    /** Adds a later file (the HTML report) to {@code SHA256SUMS}; it is not part of the whole's digest. */
    public static void addToSums(Path reports, Path file) {
        try {
            Files.writeString(reports.resolve(SUMS), digest(reports, file).line(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new ReportException("cannot add " + file + " to " + reports.resolve(SUMS) + ": " + e, e);
        }
    }

    /**
     * The page in the HTML report: a container holding every scenario, whose one tear-down is the
     * summary with the page attached (Allure's own way of showing a fixture's evidence beside each
     * result, without adding a result that the statistics would count).
     */
    private static void attachToEveryResult(Path results, String html, Instant date) throws IOException {
        List<String> children = new ArrayList<>();
        try (Stream<Path> files = Files.list(results)) {
            for (Path f : files.filter(p -> p.toString().endsWith("-result.json")).sorted().toList()) {
                children.add(new ObjectMapper().readTree(f.toFile()).path("uuid").asText());
            }
        }
        if (children.isEmpty()) {
            return;
        }
        Files.writeString(results.resolve(ATTACHMENT), html, StandardCharsets.UTF_8);
        long millis = date.toEpochMilli();
        TestResultContainer container = new TestResultContainer()
                .setUuid(UUID.randomUUID().toString())
                .setName("certification summary")
                .setChildren(children)
                .setStart(millis).setStop(millis)
                .setAfters(List.of(new FixtureResult()
                        .setName("certification summary")
                        .setStatus(Status.PASSED).setStage(Stage.FINISHED)
                        .setStart(millis).setStop(millis)
                        .setAttachments(List.of(new Attachment().setName("certification summary")
                                .setType("text/html").setSource(ATTACHMENT)))));
        // Allure's own writer, for Allure's own form of the model; it names the file by the UUID, so it
        // writes beside the results and the file moves in under the summary's fixed name
        Path scratch = Files.createTempDirectory(results.toAbsolutePath().getParent(), ".certification");
        try {
            new io.qameta.allure.FileSystemResultsWriter(scratch).write(container);
            Files.move(scratch.resolve(container.getUuid() + "-container.json"), results.resolve(CONTAINER),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    private static Digest digest(Path reports, Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        String relative = reports.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize())
                .toString().replace('\\', '/');
        return new Digest(relative, HexFormat.of().formatHex(sha.digest()));
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    static String html(Subject subject, List<Row> rows, List<Digest> evidence, String whole) {
        long passed = rows.stream().filter(r -> r.result().startsWith("passed")).count();
        long failed = rows.stream().filter(r -> r.result().startsWith("failed") || r.result().startsWith("broken")).count();
        long notApplicable = rows.stream().filter(r -> r.result().startsWith("not applicable")).count();
        long notRun = rows.size() - passed - failed - notApplicable;
        StringBuilder out = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>posbench certification summary</title>
                <style>
                body { font-family: sans-serif; margin: 1.5em; color: #1f2328; }
                table { border-collapse: collapse; margin: 0.8em 0; }
                th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
                th { background: #f6f8fa; }
                td.passed { background: #dafbe1; } td.failed, td.broken { background: #ffebe9; }
                td.not-applicable { background: #fff8c5; } td.not-run { background: #eaeef2; }
                code, .digest { font-family: monospace; font-size: 12px; }
                table.catalog td:first-child { white-space: nowrap; }
                </style></head><body>
                <h1 id="certification-summary">posbench certification summary</h1>
                """);
        out.append("<table class=\"subject\">")
                .append(th("firmware (as the terminal reported it)", subject.firmware()))
                .append(th("terminal profile", subject.profile()))
                .append(th("rig", subject.rig()))
                .append(th("date", DateTimeFormatter.ISO_INSTANT.format(subject.date().atOffset(ZoneOffset.UTC))))
                .append(th("bench", subject.posbench()))
                .append(th("result", passed + " passed, " + failed + " failed, " + notApplicable + " not applicable, "
                        + notRun + " not run, of " + rows.size() + " catalog variants"))
                .append(th("digest of the whole (SHA-256)", whole))
                .append("</table>\n<h2>Catalog ids and variants</h2>\n<table class=\"catalog\">\n")
                .append("<tr><th>id</th><th>variant</th><th>result</th><th>scenarios</th></tr>\n");
        for (Row r : rows) {
            String css = r.result().replaceFirst(" \\(.*", "").replace(' ', '-');
            out.append("<tr><td>").append(escape(r.id())).append("</td><td>").append(escape(r.variant()))
                    .append("</td><td class=\"").append(css).append("\">").append(escape(r.result()))
                    .append("</td><td>").append(escape(String.join("; ", r.scenarios()))).append("</td></tr>\n");
        }
        out.append("</table>\n<h2>Evidence</h2>\n<p>Every file this run wrote as evidence, with its SHA-256. ")
                .append("To check them: <code>cd reports &amp;&amp; sha256sum -c SHA256SUMS</code>. The digest of the ")
                .append("whole is the SHA-256 of the lines below as <code>sha256sum</code> writes them: ")
                .append("<code>grep -v -e ' certification.html$' -e ' allure-report/index.html$' SHA256SUMS | sha256sum</code>.</p>\n")
                .append("<table class=\"evidence\">\n<tr><th>SHA-256</th><th>file</th></tr>\n");
        for (Digest d : evidence) {
            out.append("<tr><td class=\"digest\">").append(d.sha256()).append("</td><td><code>")
                    .append(escape(d.path())).append("</code></td></tr>\n");
        }
        return out.append("</table>\n</body></html>\n").toString();
    }

    private static String th(String name, String value) {
        return "<tr><th>" + escape(name) + "</th><td>" + escape(value) + "</td></tr>\n";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
