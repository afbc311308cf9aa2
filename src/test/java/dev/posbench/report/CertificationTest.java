package dev.posbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificationTest {

    @TempDir
    Path dir;
    Path reports;
    Path results;
    Path catalog;
    Path features;

    private static final Certification.Subject SUBJECT = new Certification.Subject("acme-pos 4.2.1",
            "acme (terminals/acme.yaml)", "sim@bench-7", "posbench 0.1.0", Instant.parse("2026-11-22T03:00:00Z"));

    @BeforeEach
    void aRun() throws IOException {
        reports = dir.resolve("reports");
        results = reports.resolve("allure-results");
        Files.createDirectories(results);
        catalog = dir.resolve("catalog.yaml");
        Files.writeString(catalog, """
                CV-01:
                  - { variant: "wrong online PIN", match: "wrong online PIN" }
                HC-01:
                  - { variant: "no answer", match: "does not answer" }
                CR-04:
                  - { variant: "fallback open", match: "fallback open" }
                  - { variant: "fallback closed", match: "fallback closed" }
                """);
        features = dir.resolve("features");
        Files.createDirectories(features.resolve("x"));
        Files.writeString(features.resolve("x/x.feature"), """
                Feature: x
                  @CV-01
                  Scenario: a wrong online PIN is declined
                    Given a step
                  @HC-01
                  Scenario: the bank does not answer
                    Given a step
                  @CR-04
                  Scenario: fallback open
                    Given a step
                  @CR-04
                  Scenario: fallback closed
                    Given a step
                """);
        result("1", "a wrong online PIN is declined", "passed");
        result("2", "the bank does not answer", "failed");
        result("3", "fallback open", "skipped");
        Files.writeString(results.resolve("1-attachment.txt"), "serial transcript");
        Files.writeString(reports.resolve("junit.xml"), "<testsuite/>");
    }

    private void result(String uuid, String name, String status) throws IOException {
        Files.writeString(results.resolve(uuid + "-result.json"),
                "{\"uuid\":\"" + uuid + "\",\"name\":\"" + name + "\",\"status\":\"" + status + "\"}");
    }

    @Test
    void listsEveryVariantWithItsResultAndWhatWasUnderTest() throws IOException {
        Path page = Certification.write(reports, results, catalog, features, SUBJECT);
        String html = Files.readString(page);
        for (String row : List.of("<td>CV-01</td><td>wrong online PIN</td><td class=\"passed\">passed</td>",
                "<td>HC-01</td><td>no answer</td><td class=\"failed\">failed</td>",
                "<td>CR-04</td><td>fallback open</td><td class=\"not-applicable\">not applicable</td>",
                "<td>CR-04</td><td>fallback closed</td><td class=\"not-run\">not run</td>",
                "acme-pos 4.2.1", "sim@bench-7", "2026-11-22T03:00:00Z",
                "1 passed, 1 failed, 1 not applicable, 1 not run, of 4 catalog variants")) {
            assertTrue(html.contains(row), row + " in\n" + html);
        }
    }

    @Test
    void sha256sumVerifiesTheDigestsAndCatchesAnEdit() throws Exception {
        Certification.write(reports, results, catalog, features, SUBJECT);
        List<String> sums = Files.readAllLines(reports.resolve(Certification.SUMS));
        assertTrue(sums.stream().anyMatch(l -> l.endsWith("  junit.xml")), sums::toString);
        assertTrue(sums.stream().anyMatch(l -> l.endsWith("  allure-results/1-attachment.txt")), sums::toString);
        assertTrue(sums.getLast().endsWith("  certification.html"), sums::toString);

        // the digest of the whole is the one the page states, computed the way it says
        String evidence = String.join("", sums.subList(0, sums.size() - 1).stream().map(l -> l + "\n").toList());
        String whole = Certification.sha256(evidence.getBytes(StandardCharsets.UTF_8));
        assertTrue(Files.readString(reports.resolve(Certification.PAGE)).contains(whole));

        assumeTrue(onPath("sha256sum"), "sha256sum (coreutils) is not installed here: the files cannot be checked with it");
        assertEquals(0, sha256sumCheck(), "every digest verifies");
        Files.writeString(results.resolve("1-attachment.txt"), "serial transcript, edited");
        assertNotEquals(0, sha256sumCheck(), "an edited evidence file is caught");
    }

    @Test
    void theReportShowsThePageBesideEveryScenario() throws IOException {
        Certification.write(reports, results, catalog, features, SUBJECT);
        try (Stream<Path> files = Files.list(results)) {
            List<Path> containers = files.filter(p -> p.toString().endsWith("-container.json")).toList();
            assertEquals(List.of(results.resolve(Certification.CONTAINER)), containers);
            String container = Files.readString(containers.getFirst());
            assertTrue(container.contains("\"children\":[\"1\",\"2\",\"3\"]"), container);
            assertTrue(container.contains("\"type\":\"text/html\""), container);
            assertTrue(container.contains("\"source\":\"" + Certification.ATTACHMENT + "\""), container);
        }
        // a second run's summary takes the place of the first one's, and the digests still verify
        Files.writeString(results.resolve("4-result.json"), "{\"uuid\":\"4\",\"name\":\"x\",\"status\":\"passed\"}");
        Certification.write(reports, results, catalog, features, SUBJECT);
        assertTrue(Files.readString(results.resolve(Certification.CONTAINER)).contains("\"4\""));
        assertTrue(Files.readAllLines(reports.resolve(Certification.SUMS)).stream()
                .noneMatch(l -> l.contains("posbench-certification")), "the report's view of the summary is no evidence");
    }

    private int sha256sumCheck() throws Exception {
        Process p = new ProcessBuilder("sha256sum", "--quiet", "-c", Certification.SUMS).directory(reports.toFile())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
