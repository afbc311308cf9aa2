package dev.posbench.channel;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Field 64 of the reference dialect: HMAC-SHA-256 under the terminal's MAC key over
 * {@code mti|n=v|n=v...} (fields in numeric order, field 64 left out), first 8 bytes in upper-case hex.
 */
public final class MessageMac {

    public static final int FIELD = 64;

    private MessageMac() {}

    public static String compute(IsoMessage message, String keyHex) {
        String text = message.mti() + "|" + message.fields().entrySet().stream()
                .filter(e -> e.getKey() != FIELD)
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("|"));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(HexFormat.of().parseHex(keyHex), "HmacSHA256"));
            byte[] full = mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().withUpperCase().formatHex(full, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    public static IsoMessage sign(IsoMessage message, String keyHex) {
        return message.with(FIELD, compute(message, keyHex));
    }

    /** Whether field 64 is present and right; constant-time. */
    public static boolean verify(IsoMessage message, String keyHex) {
        return message.field(FIELD)
                .map(mac -> MessageDigest.isEqual(
                        mac.getBytes(StandardCharsets.US_ASCII),
                        compute(message, keyHex).getBytes(StandardCharsets.US_ASCII)))
                .orElse(false);
    }
}
