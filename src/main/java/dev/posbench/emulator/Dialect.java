package dev.posbench.emulator;

import dev.posbench.channel.IsoMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The requests of the reference bank dialect, as this terminal builds them (unsigned: the MAC is added on sending). */
final class Dialect {

    static final String PURCHASE = "000000";
    static final String CNY = "156";
    /** What a reversal repeats of the authorization it undoes. */
    private static final int[] REVERSAL_FIELDS = {2, 3, 4, 11, 14, 22, 41, 42, 49};

    private Dialect() {}

    static IsoMessage authorization(Settings settings, CardRead card, long amount, String stan, Optional<String> pinBlock) {
        Map<Integer, String> f = new TreeMap<>();
        f.put(2, card.pan());
        f.put(3, PURCHASE);
        f.put(4, "%012d".formatted(settings.has(Defect.AMOUNT_OFF_BY_ONE) ? amount + 1 : amount));
        f.put(11, stan);
        f.put(14, card.expiry());
        f.put(22, settings.has(Defect.CHIP_AS_SWIPE) && card instanceof CardRead.ChipCard
                ? CardRead.ENTRY_SWIPE : card.entryMode());
        f.put(35, card.track2());
        f.put(41, settings.terminalId());
        f.put(42, settings.merchantId());
        f.put(49, CNY);
        pinBlock.ifPresent(block -> f.put(52, block));
        if (card.aid().isPresent()) {
            f.put(55, chipData(card, amount, stan));
        }
        return new IsoMessage(IsoMessage.AUTHORIZATION, f);
    }

    /** The same authorization under a new trace number (after a sign-on, or with an SMS code added). */
    static IsoMessage again(IsoMessage authorization, String stan) {
        return authorization.without(64).with(11, stan);
    }

    static IsoMessage reversal(Settings settings, Flash.Reversal reversal) {
        Map<Integer, String> f = new TreeMap<>();
        for (int n : REVERSAL_FIELDS) {
            reversal.original().field(n).ifPresent(v -> f.put(n, v));
        }
        if (settings.has(Defect.REVERSAL_WRONG_AMOUNT)) {
            f.put(4, "%012d".formatted(0));
        }
        f.put(39, reversal.reason());
        return new IsoMessage(IsoMessage.REVERSAL, f);
    }

    static IsoMessage signOn(Settings settings, String stan) {
        return new IsoMessage(IsoMessage.SIGN_ON, Map.of(11, stan, 41, settings.terminalId(), 42, settings.merchantId()));
    }

    /** The answer's MTI: the request's plus 10 (0100 to 0110). */
    static String answerMti(IsoMessage request) {
        return "%04d".formatted(Integer.parseInt(request.mti()) + 10);
    }

    /**
     * A short field 55: cryptogram (9F26), its kind (9F27 = ARQC), transaction counter (9F36) and
     * unpredictable number (9F37). The cryptogram is a stand-in digest, not a card's real ARQC; the
     * tags are ordered so that no run of 13 digits appears (it would look like a PAN to a masker).
     */
    private static String chipData(CardRead card, long amount, String stan) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256")
                    .digest((card.pan() + "|" + amount + "|" + stan).getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        HexFormat hex = HexFormat.of().withUpperCase();
        String atc = "%04X".formatted(Integer.parseInt(stan) & 0xFFFF);
        return "9F2608" + hex.formatHex(digest, 0, 8) + "9F270180" + "9F3602" + atc + "9F3704" + hex.formatHex(digest, 8, 12);
    }
}
