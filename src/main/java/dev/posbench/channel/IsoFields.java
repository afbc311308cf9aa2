package dev.posbench.channel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ISO 8583 fields and message types the bank dialects use, by name, for people reading a
 * journal or a timeline; and each field's value as it may be shown: the PAN and track 2 masked to
 * the first 6 and last 4 digits, the PIN block never.
 */
public final class IsoFields {

    /** One field as a person reads it. */
    public record Decoded(int number, String name, String shown) {}

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(2, "primary account number"),
            Map.entry(3, "processing code"),
            Map.entry(4, "amount, transaction"),
            Map.entry(7, "transmission date and time"),
            Map.entry(11, "system trace audit number (STAN)"),
            Map.entry(12, "local transaction time"),
            Map.entry(13, "local transaction date"),
            Map.entry(14, "expiration date"),
            Map.entry(22, "POS entry mode"),
            Map.entry(23, "card sequence number"),
            Map.entry(25, "POS condition code"),
            Map.entry(35, "track 2 data"),
            Map.entry(37, "retrieval reference number"),
            Map.entry(38, "authorization code"),
            Map.entry(39, "response code"),
            Map.entry(41, "terminal id"),
            Map.entry(42, "merchant id"),
            Map.entry(48, "additional data (private)"),
            Map.entry(49, "currency code, transaction"),
            Map.entry(52, "PIN block"),
            Map.entry(55, "ICC data (EMV)"),
            Map.entry(64, "message authentication code (MAC)"),
            Map.entry(70, "network management code"),
            Map.entry(90, "original data elements"));

    private static final Map<String, String> TYPES = Map.of(
            IsoMessage.AUTHORIZATION, "authorization request",
            IsoMessage.AUTHORIZATION_RESPONSE, "authorization answer",
            IsoMessage.REVERSAL, "reversal request",
            IsoMessage.REVERSAL_RESPONSE, "reversal answer",
            IsoMessage.SIGN_ON, "sign-on request",
            IsoMessage.SIGN_ON_RESPONSE, "sign-on answer");

    /** What a clear PIN block is shown as: never its hex, which decrypts to the PIN under a test key. */
    public static final String PIN_BLOCK_SHOWN = "[PIN block]";

    private IsoFields() {}

    /** "authorization request" for 0100; the MTI itself for a type this dialect does not name. */
    public static String typeName(String mti) {
        return TYPES.getOrDefault(mti, "message " + mti);
    }

    public static String name(int field) {
        return NAMES.getOrDefault(field, "field " + field);
    }

    /** A field's value fit to print. */
    public static String shown(int field, String value) {
        return switch (field) {
            case 2 -> Pans.mask(value);
            case 52 -> PIN_BLOCK_SHOWN;
            default -> Pans.maskAll(value);
        };
    }

    /** Every field of the message in number order, named, its value fit to print. */
    public static List<Decoded> decode(IsoMessage message) {
        List<Decoded> out = new ArrayList<>();
        message.fields().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(f -> out.add(new Decoded(f.getKey(), name(f.getKey()), shown(f.getKey(), f.getValue()))));
        return out;
    }

    /** One line for a chart: the type, its STAN, and its response code when it has one. */
    public static String headline(IsoMessage message) {
        StringBuilder out = new StringBuilder(message.mti()).append(' ').append(typeName(message.mti()));
        message.field(11).ifPresent(stan -> out.append(", STAN ").append(stan));
        message.field(39).ifPresent(code -> out.append(", 39=").append(code));
        return out.toString();
    }
}
