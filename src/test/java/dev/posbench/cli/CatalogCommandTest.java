package dev.posbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code posbench catalog}: no id or variant of the catalog without a scenario, and a gap is named. */
class CatalogCommandTest {

    @Test
    void everyIdAndVariantOfTheCatalogHasAScenario() {
        PosbenchRun run = PosbenchRun.execute("catalog", "--reports", PosbenchRun.tempDir().toString());
        assertEquals(ExitCode.PASSED, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains(" 0 without a scenario"), run.out());
        assertTrue(run.out().contains("variants of 45 paths"), "CR-01..08, CV-01..09, ID-01..17, HC-01..11:\n" + run.out());
    }

    @Test
    void aVariantNoScenarioCoversIsNamed() throws IOException {
        Path catalog = PosbenchRun.tempDir().resolve("catalog.yaml");
        Files.writeString(catalog, """
                CR-08:
                  - { variant: "Luhn check fails", match: "Luhn check" }
                  - { variant: "a PAN of 25 digits", match: "25 digits" }
                """);
        PosbenchRun run = PosbenchRun.execute("catalog", "--catalog", catalog.toString(),
                "--reports", PosbenchRun.tempDir().toString());
        assertEquals(ExitCode.FAILED, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("CR-08") && l.contains("a PAN of 25 digits")
                && l.contains("NO SCENARIO")), run.out());
        assertTrue(run.out().contains("scenarios tagged with ids the catalog does not list: CR-01"), run.out());
    }
}
