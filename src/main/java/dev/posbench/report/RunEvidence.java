package dev.posbench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;

/**
 * What a run leaves once its scenarios are over, in order: the certification summary and the
 * digests of the evidence, then the HTML report with the history of earlier runs carried forward,
 * then the report's own digest. The layout under the reports folder:
 * <pre>
 * allure-results/     this run's Allure results (cleared at the start of each run)
 * allure-report/      index.html: the single-file report
 * history/            Allure's history, carried from run to run: keep it between nights
 * junit.xml           the run as JUnit XML
 * certification.html  the certification summary
 * SHA256SUMS          digests of the evidence, for sha256sum -c
 * </pre>
 */
public final class RunEvidence {

    /** The catalog and features the certification summary lists, relative to the project. */
    private static final Path CATALOG = Path.of("features", "catalog.yaml");
    private static final Path FEATURES = Path.of("features");

    private RunEvidence() {}

    /**
     * @param allureHome the Allure command line; null when no HTML report is wanted
     * @return the report's index.html, or null when none was generated
     */
    public static Path publish(Path reports, Path results, Path allureHome) {
        boolean certify = Files.isRegularFile(CATALOG) && Files.isDirectory(FEATURES);
        if (certify) {
            Certification.write(reports, results, CATALOG, FEATURES, subject(results));
        }
        if (allureHome == null) {
            return null;
        }
        Path index = AllureReport.generate(results, reports.resolve("allure-report"), allureHome, reports.resolve("history"));
        if (certify) {
            Certification.addToSums(reports, index);
        }
        return index;
    }

    /** Who and what was under test, as the run's environment says (one source for the report and the summary). */
    private static Certification.Subject subject(Path results) {
        Properties env;
        try {
            env = Catalog.environment(results);
        } catch (IOException e) {
            throw new ReportException("cannot read the run's environment in " + results + ": " + e, e);
        }
        return new Certification.Subject(env.getProperty("firmware", "not reported by the terminal"),
                env.getProperty("terminal", "?") + " (" + env.getProperty("profile", "?") + ")",
                env.getProperty("rig", "?"), env.getProperty("posbench", "posbench"), Instant.now());
    }
}
