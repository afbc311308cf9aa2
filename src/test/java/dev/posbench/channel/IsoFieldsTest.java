package dev.posbench.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IsoFieldsTest {

    @Test
    void eachFieldIsNamedAndNothingSecretIsShown() {
        IsoMessage auth = new IsoMessage("0100", Map.of(52, "0412AC89ABCDEF01", 2, "6225880123455675",
                35, "6225880123455675=30121010000", 11, "000002", 99, "x"));
        assertEquals(List.of(
                new IsoFields.Decoded(2, "primary account number", "622588******5675"),
                new IsoFields.Decoded(11, "system trace audit number (STAN)", "000002"),
                new IsoFields.Decoded(35, "track 2 data", "622588******5675=30121010000"),
                new IsoFields.Decoded(52, "PIN block", "[PIN block]"),
                new IsoFields.Decoded(99, "field 99", "x")), IsoFields.decode(auth));
        assertEquals("0100 authorization request, STAN 000002", IsoFields.headline(auth));
    }
}
