package dev.posbench.channel;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How a terminal talks to its bank, from the {@code host} section of its profile: the one place
 * both the bench (which fakes the bank) and the reference terminal read it, so they cannot
 * disagree. A profile without a {@code host} section speaks {@code json-http}.
 */
public sealed interface HostDialect {

    String JSON_HTTP = "json-http";
    String ISO8583_TCP = "iso8583-tcp";

    /** The name a terminal program is given ({@code POSBENCH_BANK_DIALECT}). */
    String name();

    /** ISO 8583 fields as JSON over HTTP, signed with an HMAC ({@link MessageMac}). */
    record JsonHttp() implements HostDialect {
        @Override
        public String name() {
            return JSON_HTTP;
        }
    }

    /** ISO 8583 packed as terminals pack it, over a TCP connection ({@link IsoFrames}). */
    record Iso8583Tcp(IsoFrames.Layout layout) implements HostDialect {
        @Override
        public String name() {
            return ISO8583_TCP;
        }
    }

    /** A field of the {@code host} section is wrong; {@code field} is its path below {@code host}. */
    final class Invalid extends RuntimeException {
        private final String field;

        Invalid(String field, String problem) {
            super(problem);
            this.field = field;
        }

        /** e.g. {@code host.lengthHeader} */
        public String field() {
            return field;
        }
    }

    /**
     * Reads a profile's {@code host} section ({@code null} or missing: json-http). Relative paths
     * (the field definition file) are resolved against the profile's folder.
     *
     * @throws Invalid naming the field and what would be right
     */
    static HostDialect parse(JsonNode host, Path profileFile) {
        if (host == null || host.isMissingNode() || host.isNull()) {
            return new JsonHttp();
        }
        if (!host.isObject()) {
            throw new Invalid("host", "a section with at least dialect: json-http or iso8583-tcp");
        }
        String dialect = text(host, "dialect");
        return switch (dialect) {
            case JSON_HTTP -> new JsonHttp();
            case ISO8583_TCP -> new Iso8583Tcp(layout(host, profileFile));
            default -> throw new Invalid("host.dialect", "\"" + dialect + "\" should be " + JSON_HTTP + " or " + ISO8583_TCP);
        };
    }

    private static IsoFrames.Layout layout(JsonNode host, Path profileFile) {
        IsoFrames.LengthHeader length = choice(host, "lengthHeader", IsoFrames.LengthHeader.class);
        byte[] tpdu = hex(host, "tpdu");
        if (tpdu.length != 0 && tpdu.length != 5) {
            throw new Invalid("host.tpdu", "a TPDU is 5 bytes (10 hex digits, e.g. 6000030000), or \"\" for none");
        }
        byte[] header = hex(host, "header");
        IsoFrames.Encoding mti = choice(host, "mti", IsoFrames.Encoding.class);
        IsoFrames.Encoding bitmap = choice(host, "bitmap", IsoFrames.Encoding.class);
        IsoFrames.Encoding numerics = choice(host, "numerics", IsoFrames.Encoding.class);
        if (mti == IsoFrames.Encoding.BINARY || numerics == IsoFrames.Encoding.BINARY) {
            throw new Invalid(mti == IsoFrames.Encoding.BINARY ? "host.mti" : "host.numerics",
                    "numbers are bcd or ascii; binary is for the bitmap");
        }
        if (bitmap == IsoFrames.Encoding.BCD) {
            throw new Invalid("host.bitmap", "a bitmap is binary (8 bytes) or ascii (16 hex characters)");
        }
        if (mti == IsoFrames.Encoding.BCD && bitmap == IsoFrames.Encoding.ASCII) {
            throw new Invalid("host.bitmap", "with a BCD mti the bitmap is binary (the codec packs both alike)");
        }
        Path fields = profileFile.toAbsolutePath().getParent().resolve(text(host, "fields")).normalize();
        if (!Files.isRegularFile(fields)) {
            throw new Invalid("host.fields", fields + " is not a file (a j8583 field definition, relative to the profile)");
        }
        return new IsoFrames.Layout(length, tpdu, header, mti, bitmap, numerics, fields);
    }

    private static String text(JsonNode host, String field) {
        JsonNode n = host.get(field);
        if (n == null || n.isNull() || !n.isValueNode()) {
            throw new Invalid("host." + field, "missing");
        }
        return n.asText();
    }

    private static byte[] hex(JsonNode host, String field) {
        JsonNode n = host.get(field);
        String text = n == null || n.isNull() ? "" : n.asText().replace(" ", "");
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new Invalid("host." + field, "\"" + text + "\" is not hexadecimal bytes");
        }
    }

    private static <E extends Enum<E>> E choice(JsonNode host, String field, Class<E> type) {
        String text = text(host, field);
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder names = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                names.append(names.isEmpty() ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
            }
            throw new Invalid("host." + field, "\"" + text + "\" should be one of " + names);
        }
    }
}
