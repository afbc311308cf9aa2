package dev.posbench.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A card's expiry relative to the month of the run, resolved when the deck is loaded. */
class DeckExpiryTest {

    @TempDir
    Path dir;

    @Test
    void relativeMonthsResolveAgainstTheRunsMonth() throws IOException {
        YearMonth january = YearMonth.of(2027, 1);
        assertEquals("2701", expiry("this-month", january));
        assertEquals("2612", expiry("last-month", january));
        assertEquals("2702", expiry("next-month", january));
        assertEquals("2801", expiry("this-month+12", january));
        assertEquals("2610", expiry("this-month-3", january));
        assertEquals("3012", expiry("\"3012\"", january));
    }

    @Test
    void aBadValueNamesTheFileAndTheField() throws IOException {
        for (String bad : new String[] {"\"3013\"", "today", "last-month+1", "this-month+"}) {
            BadInputException e = assertThrows(BadInputException.class, () -> expiry(bad, YearMonth.of(2027, 1)));
            assertEquals(dir.resolve("cards.yaml") + ": cards[0].expiry", e.where(), e.getMessage());
            assertTrue(e.getMessage().contains("is not an expiry as YYMM, nor a month relative to the run's"), e.getMessage());
        }
        BadInputException e = assertThrows(BadInputException.class, () -> expiry("this-month-999", YearMonth.of(2027, 1)));
        assertTrue(e.getMessage().contains("which YYMM cannot say"), e.getMessage());
    }

    private String expiry(String value, YearMonth thisMonth) throws IOException {
        Path file = dir.resolve("cards.yaml");
        Files.writeString(file, "cards:\n  - id: x\n    expiry: " + value + "\n");
        return BenchConfig.expiry(YamlFile.read(file).list("cards").getFirst(), thisMonth);
    }
}
