package dev.posbench.report;

import io.cucumber.core.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs Cucumber in-process, as {@code posbench run} does, on a feature written by the test. */
final class CucumberFixture {

    static final String PAN = "4761739001010010";
    static final String MASKED_PAN = "476173******0010";

    /** Scenarios that pass slowly, fail, fail on bad input, are undefined, and carry tags that are no path ids. */
    static final String FEATURE = """
            Feature: Summary fixture

              @CV-02 @slow
              Scenario: three wrong PINs
                Given the summary fixture passes
                When the summary fixture takes 300 ms

              @HC-01 @HC-03
              Scenario: the bank times out
                Given the summary fixture fails with "expected COMM_TIMEOUT, last seen APPROVED for 4761739001010010"

              @CR-01
              Scenario: a misconfigured rig
                Given the summary fixture is misconfigured

              Scenario: an undefined step for 4761739001010010
                Given nobody wrote this step

              @INV-7 @smoke @cv-01 @ABCD-1 @CV-2x
              Scenario: tags that are no path ids
                Given the summary fixture passes
            """;

    /** One scenario that attaches a transcript holding a PAN. */
    static final String EVIDENCE_FEATURE = """
            Feature: Evidence fixture

              @CR-03
              Scenario: evidence of a swipe
                Then the summary fixture attaches the transcript "PAN 4761739001010010 read, amount 000000001000"
            """;

    private CucumberFixture() {}

    static Path writeFeature(Path dir, String text) throws IOException {
        Path features = Files.createDirectories(dir.resolve("features"));
        return Files.writeString(features.resolve("fixture.feature"), text);
    }

    static byte run(Path feature, String... plugins) {
        return run(feature, List.of("dev.posbench.report.glue"), plugins);
    }

    static byte run(Path feature, List<String> glue, String... plugins) {
        List<String> argv = new ArrayList<>(List.of("--monochrome", "--no-summary"));
        for (String g : glue) {
            argv.add("--glue");
            argv.add(g);
        }
        for (String plugin : plugins) {
            argv.add("--plugin");
            argv.add(plugin);
        }
        argv.add(feature.toString());
        return Main.run(argv.toArray(String[]::new), Thread.currentThread().getContextClassLoader());
    }
}
