package dev.posbench.emulator;

import dev.posbench.channel.Pans;
import java.util.List;

/** Test card data: PANs with a valid Luhn digit unless said otherwise. */
final class TestCards {

    static final String PIN = "7391";
    static final String WRONG_PIN = "8402";

    /** Magnetic stripe only (service code 101). */
    static final String STRIPE_PAN = withLuhn("476173900101001");
    /** A chip card (service code 201). */
    static final String CHIP_PAN = withLuhn("622848001234567");
    static final String CONTACTLESS_PAN = withLuhn("520000880000111");
    static final String BAD_LUHN_PAN = STRIPE_PAN.substring(0, 15) + ((STRIPE_PAN.charAt(15) - '0' + 1) % 10);

    static final String FAR_EXPIRY = "4912";
    static final String PAST_EXPIRY = "2001";
    static final String AID = "A000000333010101";

    static final String STRIPE_TRACK = STRIPE_PAN + "=" + FAR_EXPIRY + "101" + "0000000";
    static final String CHIP_TRACK = CHIP_PAN + "=" + FAR_EXPIRY + "201" + "0000000";

    static final CardApplication CHIP_APP = new CardApplication(AID, CHIP_PAN, FAR_EXPIRY, "201");
    static final CardApplication CONTACTLESS_APP = new CardApplication("A0000000041010", CONTACTLESS_PAN, FAR_EXPIRY, "201");

    static final List<String> ALL_PANS = List.of(STRIPE_PAN, CHIP_PAN, CONTACTLESS_PAN, BAD_LUHN_PAN);

    private TestCards() {}

    static String withLuhn(String body) {
        for (char d = '0'; d <= '9'; d++) {
            if (Pans.luhnValid(body + d)) {
                return body + d;
            }
        }
        throw new IllegalStateException("no Luhn digit");
    }
}
