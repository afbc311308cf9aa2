package dev.posbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A wait for an outcome ends early when the terminal finishes the transaction, and asking for the
 * card back is one way of finishing it; but a terminal that asks for a failed chip card back and
 * then asks for the card again is still in the sale. Read with a profile whose REMOVE_CARD text
 * also matches the reference terminal's chip error (as a terminal that says "CHIP ERROR, REMOVE
 * CARD" would show it), the fallback scenarios still pass once the cardholder has taken the card,
 * and still fail, at once, on a terminal that falls back when it must not.
 */
@Execution(ExecutionMode.CONCURRENT)
class CardBackMidSaleTest {

    @Test
    void askingForAFailedChipCardBackIsNotTheEndOfTheSale() throws IOException {
        Path config = PosbenchRun.copyTree(Path.of("bench-config"), PosbenchRun.tempDir().resolve("bench-config"));
        Path profile = config.resolve("terminals/reference.yaml");
        String text = Files.readString(profile);
        String removeCard = "  REMOVE_CARD: \"REMOVE CARD\"";
        assertTrue(text.contains(removeCard), "the reference profile's REMOVE_CARD line moved: update this test");
        Files.writeString(profile, text.replace(removeCard, "  REMOVE_CARD: \"REMOVE CARD|CHIP ERROR\""));

        PosbenchRun sound = PosbenchRun.run("--config", config.toString(), "--tags", "@CR-04");
        assertEquals(ExitCode.PASSED, sound.exitCode(), sound.out() + sound.err());

        PosbenchRun defect = PosbenchRun.run("--config", config.toString(), "--tags", "@CR-04",
                "--name", "fallback closed", "--sim-defect", "fallback-always");
        assertEquals(ExitCode.FAILED, defect.exitCode(), defect.out() + defect.err());
        assertTrue(defect.row("CR-04").contains("expected FALLBACK_NOT_ALLOWED")
                && defect.row("CR-04").contains("finished the transaction without showing it"), defect.row("CR-04"));
    }
}
