package dev.posbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.channel.Pans;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** INV-2 as the catalog writes it: no more than the first 6 and last 4 digits, in any form. */
class WrittenFilesTest {

    private static final String PAN = "6225880012345675";

    @ParameterizedTest(name = "\"{0}\" shows too much")
    @ValueSource(strings = {
        "CARD 6225880012345675",
        "CARD 6225 8800 1234 5675",
        "CARD 6225-8800-1234-5675",
        "TRACK2 6225880012345675=30121010000",
        "CARD 622588001234****",
        "CARD 6225880*****5675",
        "{\"2\":\"6225880012345675\"}",
    })
    void aPanShownBeyondSixAndFourIsALeak(String text) {
        assertTrue(Pans.revealed(text, PAN).isPresent(), text);
    }

    @ParameterizedTest(name = "\"{0}\" is allowed")
    @ValueSource(strings = {
        "CARD 622588******5675",
        "CARD 6225 88** **** 5675",
        "CARD ************5675",
        "AMOUNT 000000006600 STAN 000042 TERMINAL PB000001",
        "CARD 6225880012345676",
        "at 2026-11-22T00:36:32.791167189Z",
    })
    void whatTheCatalogAllowsIsNoLeak(String text) {
        assertEquals(Optional.empty(), Pans.revealed(text, PAN), text);
    }

    @Test
    void theLeakIsQuotedMasked() {
        String shown = Pans.revealed("CARD 6225 8800 1234 5675", PAN).orElseThrow();
        assertEquals("6225 88** **** 5675", shown);
    }

    @Test
    void everyFileTheRunWroteIsRead(@TempDir Path reports) throws IOException {
        Files.createDirectories(reports.resolve("allure-results"));
        Files.writeString(reports.resolve("allure-results/a-attachment.txt"), "CARD 622588******5675\n");
        assertEquals(List.of(), WrittenFiles.panLeaks(reports, List.of(PAN)));

        Files.writeString(reports.resolve("allure-results/b-result.json"), "{\"name\":\"pay 6225 8800 1234 5675\"}");
        List<String> leaks = WrittenFiles.panLeaks(reports, List.of(PAN));
        assertEquals(1, leaks.size(), leaks.toString());
        assertTrue(leaks.getFirst().contains("b-result.json"), leaks.toString());
        assertFalse(leaks.getFirst().contains("8800 1234"), "the message itself is masked: " + leaks);
    }
}
