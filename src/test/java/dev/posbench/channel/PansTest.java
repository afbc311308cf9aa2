package dev.posbench.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Test PANs outside 13-19 digits (the deck has 12 and 20) are masked too, and amounts stay readable. */
class PansTest {

    @Test
    void luhnOfTheDecksLengthCards() {
        for (String pan : new String[] {"622588001231", "62258800123456789016", "4761739001017", "4761739001010119005",
                "6214830012345678900", "3566000000123455"}) {
            assertTrue(Pans.luhnValid(pan), pan.length() + " digits");
        }
        assertFalse(Pans.luhnValid("6225880099998884"));
    }

    @Test
    void aTwentyDigitRunIsMasked() {
        assertEquals("LOG 622588**********9016 OK", Pans.maskAll("LOG 62258800123456789016 OK"));
    }

    @Test
    void aTwelveDigitPanIsMaskedWhereAPanStandsButAnAmountIsNot() {
        String json = "{\"mti\":\"0100\",\"fields\":{\"2\":\"622588001231\",\"4\":\"000000001500\","
                + "\"35\":\"622588001231=301210100000\"}}";
        String masked = Pans.maskAll(json);
        assertFalse(masked.contains("622588001231"), masked);
        assertTrue(masked.contains("\"2\":\"622588**1231\""), masked);
        assertTrue(masked.contains("\"35\":\"622588**1231=301210100000\""), masked);
        assertTrue(masked.contains("\"4\":\"000000001500\""), "the amount stays: " + masked);
        assertEquals("35=622588**1231D3012101", Pans.maskAll("35=622588001231D3012101"));
    }

    @Test
    void aPanPrintedInGroupsIsMaskedToo() {
        assertEquals("CARD 6225 88** **** 5675", Pans.maskAll("CARD 6225 8800 1234 5675"));
        assertEquals("CARD 6225-88**-****-5675", Pans.maskAll("CARD 6225-8800-1234-5675"));
        assertEquals("at 2026-11-22 01:02:03", Pans.maskAll("at 2026-11-22 01:02:03"), "a date is no card number");
        assertEquals("SEND 0100 000042", Pans.maskAll("SEND 0100 000042"), "too few digits for a PAN");
    }
}
