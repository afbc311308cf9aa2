package dev.posbench.channel;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * How one cash-register (ECR) protocol frames a message on the serial line: the knobs in which
 * real protocols differ. ZVT over serial is {@code DLE STX | data, DLE doubled | DLE ETX | CRC-16
 * low byte first}; Concert-style links are {@code STX | message | ETX | LRC}. The bench's link and
 * the reference terminal both frame and check through this one class, so the two cannot disagree
 * on a rule.
 *
 * @param start       the start marker, e.g. {@code 02} or {@code 10 02}
 * @param end         the end marker, e.g. {@code 03} or {@code 10 03}
 * @param length      an optional length field right after the start marker, counting the data bytes
 * @param dleEscaping every DLE (0x10) in the length and data is sent twice
 * @param check       the check value after the end marker
 * @param checkStart  the value the LRC or CRC starts from (protocols that XOR from a fixed byte)
 * @param lowFirst    a CRC goes out low byte first (ZVT) rather than high byte first
 * @param handshake   ACK/NAK after every frame, with its timer and repeat count; empty: none
 */
public record FrameFormat(
        byte[] start,
        byte[] end,
        Length length,
        boolean dleEscaping,
        Check check,
        int checkStart,
        boolean lowFirst,
        Optional<Handshake> handshake) {

    public static final byte STX = 0x02;
    public static final byte ETX = 0x03;
    public static final byte ACK = 0x06;
    public static final byte DLE = 0x10;
    public static final byte NAK = 0x15;

    /** The length field: its size and byte order; it counts the data bytes before any escaping. */
    public enum Length { NONE, ONE_BYTE, TWO_BYTES_HIGH_FIRST, TWO_BYTES_LOW_FIRST }

    /**
     * The check value, computed over the length field, the data (unescaped) and the last byte of the
     * end marker (the ETX), as ZVT and Concert both do.
     */
    public enum Check {
        NONE(0),
        /** XOR of every covered byte, starting from {@link #checkStart}. */
        LRC(1),
        /** CRC-16/CCITT in reflected form (polynomial 0x8408), as ZVT computes it. */
        CRC16_CCITT(2);

        final int size;

        Check(int size) {
            this.size = size;
        }
    }

    /**
     * The receiver answers every frame with one byte, ACK or NAK; the sender sends a frame again
     * after a NAK or after {@code timeout} without an answer, at most {@code retries} times.
     */
    public record Handshake(Duration timeout, int retries) {
        public Handshake {
            Objects.requireNonNull(timeout);
            if (timeout.isNegative() || timeout.isZero() || retries < 0 || retries > 10) {
                throw new IllegalArgumentException("an ACK timeout must be positive and retries 0..10");
            }
        }
    }

    public FrameFormat {
        Objects.requireNonNull(length);
        Objects.requireNonNull(check);
        Objects.requireNonNull(handshake);
        if (start.length == 0 || end.length == 0) {
            throw new IllegalArgumentException("start and end markers need at least one byte");
        }
        if (checkStart < 0 || checkStart > 0xFFFF || (check == Check.LRC && checkStart > 0xFF)) {
            throw new IllegalArgumentException("the check's start value does not fit the check");
        }
        if (dleEscaping && (start.length < 2 || start[0] != DLE || end.length < 2 || end[0] != DLE)) {
            throw new IllegalArgumentException("with DLE escaping the markers begin with DLE (10 02 and 10 03)");
        }
        start = start.clone();
        end = end.clone();
    }

    @Override
    public byte[] start() {
        return start.clone();
    }

    @Override
    public byte[] end() {
        return end.clone();
    }

    /**
     * Reads the knobs from configuration text, one home for their names and spellings. {@code field}
     * gives a knob's text, empty when it is not set; a bad value throws
     * {@link IllegalArgumentException} whose message starts with the knob's name.
     */
    public static FrameFormat parse(Function<String, Optional<String>> field) {
        byte[] start = hex(field, "start", "02");
        byte[] end = hex(field, "end", "03");
        Length length = choice(field, "length", Length.class, Length.NONE);
        boolean dle = switch (field.apply("escaping").orElse("none")) {
            case "none" -> false;
            case "dle" -> true;
            default -> throw new IllegalArgumentException("escaping: should be none or dle");
        };
        Check check = choice(field, "check", Check.class, Check.LRC);
        int checkStart = field.apply("checkStart").map(s -> {
            try {
                return Integer.parseInt(s, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("checkStart: \"" + s + "\" is not a hex value such as 00");
            }
        }).orElse(0);
        boolean lowFirst = switch (field.apply("checkOrder").orElse("low-first")) {
            case "low-first" -> true;
            case "high-first" -> false;
            default -> throw new IllegalArgumentException("checkOrder: should be low-first or high-first");
        };
        Optional<Handshake> handshake = Optional.empty();
        if (field.apply("ack").map(Boolean::parseBoolean).orElse(true)) {
            Duration timeout = field.apply("ackTimeout").map(s -> Durations.parse(s).orElseThrow(() ->
                    new IllegalArgumentException("ackTimeout: \"" + s + "\" is not a duration such as 500ms")))
                    .orElse(Duration.ofSeconds(1));
            int retries = field.apply("retries").map(s -> {
                try {
                    return Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("retries: \"" + s + "\" is not a whole number");
                }
            }).orElse(2);
            try {
                handshake = Optional.of(new Handshake(timeout, retries));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ackTimeout/retries: " + e.getMessage());
            }
        }
        try {
            return new FrameFormat(start, end, length, dle, check, checkStart, lowFirst, handshake);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("start/end/escaping/check: " + e.getMessage());
        }
    }

    /** The whole frame that carries {@code data}. */
    public byte[] encode(byte[] data) {
        byte[] len = lengthField(data.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 16);
        out.writeBytes(start);
        out.writeBytes(escape(len));
        out.writeBytes(escape(data));
        out.writeBytes(end);
        out.writeBytes(checkValue(len, data));
        return out.toByteArray();
    }

    /** The check value over what it covers; empty for {@link Check#NONE}. */
    byte[] checkValue(byte[] lengthField, byte[] data) {
        byte etx = end[end.length - 1];
        return switch (check) {
            case NONE -> new byte[0];
            case LRC -> {
                int x = checkStart;
                for (byte b : lengthField) {
                    x ^= b & 0xFF;
                }
                for (byte b : data) {
                    x ^= b & 0xFF;
                }
                yield new byte[] {(byte) (x ^ (etx & 0xFF))};
            }
            case CRC16_CCITT -> {
                int crc = checkStart;
                crc = crc16(crc, lengthField);
                crc = crc16(crc, data);
                crc = crc16(crc, new byte[] {etx});
                byte lo = (byte) crc;
                byte hi = (byte) (crc >>> 8);
                yield lowFirst ? new byte[] {lo, hi} : new byte[] {hi, lo};
            }
        };
    }

    /** CRC-16/CCITT, reflected (polynomial 0x8408, bits shifted out to the right). */
    static int crc16(int crc, byte[] bytes) {
        for (byte b : bytes) {
            crc ^= b & 0xFF;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
            }
        }
        return crc & 0xFFFF;
    }

    byte[] lengthField(int n) {
        return switch (length) {
            case NONE -> new byte[0];
            case ONE_BYTE -> {
                if (n > 0xFF) {
                    throw new IllegalArgumentException(n + " data bytes do not fit a one-byte length field");
                }
                yield new byte[] {(byte) n};
            }
            case TWO_BYTES_HIGH_FIRST, TWO_BYTES_LOW_FIRST -> {
                if (n > 0xFFFF) {
                    throw new IllegalArgumentException(n + " data bytes do not fit a two-byte length field");
                }
                yield length == Length.TWO_BYTES_HIGH_FIRST
                        ? new byte[] {(byte) (n >>> 8), (byte) n}
                        : new byte[] {(byte) n, (byte) (n >>> 8)};
            }
        };
    }

    /** How many bytes the check value takes after the end marker. */
    public int checkSize() {
        return check.size;
    }

    /** How many bytes the length field takes after the start marker (before escaping). */
    public int lengthSize() {
        return switch (length) {
            case NONE -> 0;
            case ONE_BYTE -> 1;
            case TWO_BYTES_HIGH_FIRST, TWO_BYTES_LOW_FIRST -> 2;
        };
    }

    int lengthValue(byte[] field) {
        return switch (length) {
            case NONE -> -1;
            case ONE_BYTE -> field[0] & 0xFF;
            case TWO_BYTES_HIGH_FIRST -> (field[0] & 0xFF) << 8 | field[1] & 0xFF;
            case TWO_BYTES_LOW_FIRST -> (field[1] & 0xFF) << 8 | field[0] & 0xFF;
        };
    }

    private byte[] escape(byte[] bytes) {
        if (!dleEscaping) {
            return bytes;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 4);
        for (byte b : bytes) {
            out.write(b);
            if (b == DLE) {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    /** For people: {@code STX...ETX LRC}, {@code DLE STX...DLE ETX CRC-16 (low first)}. */
    public String describe() {
        return hexText(start) + " [" + (length == Length.NONE ? "" : length.name().toLowerCase(Locale.ROOT) + " length, ")
                + "data" + (dleEscaping ? ", DLE doubled" : "") + "] " + hexText(end) + " "
                + switch (check) {
                    case NONE -> "no check";
                    case LRC -> "LRC";
                    case CRC16_CCITT -> "CRC-16/CCITT " + (lowFirst ? "low byte first" : "high byte first");
                } + handshake.map(h -> ", ACK/NAK within " + h.timeout().toMillis() + " ms, " + h.retries() + " repeats")
                .orElse(", no ACK/NAK");
    }

    static String hexText(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes);
    }

    private static byte[] hex(Function<String, Optional<String>> field, String name, String otherwise) {
        String s = field.apply(name).orElse(otherwise).replace(" ", "");
        try {
            byte[] b = HexFormat.of().parseHex(s);
            if (b.length == 0 || b.length > 4) {
                throw new IllegalArgumentException();
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": \"" + s + "\" is not 1 to 4 bytes in hex, such as 02 or \"10 02\"");
        }
    }

    private static <E extends Enum<E>> E choice(Function<String, Optional<String>> field, String name, Class<E> type,
            E otherwise) {
        Optional<String> s = field.apply(name);
        if (s.isEmpty()) {
            return otherwise;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(s.get().replace('-', '_'))) {
                return e;
            }
        }
        throw new IllegalArgumentException(name + ": \"" + s.get() + "\" is not one of "
                + Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameFormat f && Arrays.equals(start, f.start) && Arrays.equals(end, f.end)
                && length == f.length && dleEscaping == f.dleEscaping && check == f.check && checkStart == f.checkStart
                && lowFirst == f.lowFirst && handshake.equals(f.handshake);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(start), Arrays.hashCode(end), length, dleEscaping, check, checkStart,
                lowFirst, handshake);
    }

    @Override
    public String toString() {
        return "FrameFormat[" + describe() + "]";
    }
}
