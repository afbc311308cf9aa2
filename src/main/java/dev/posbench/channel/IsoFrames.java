package dev.posbench.channel;

import com.solab.iso8583.IsoType;
import com.solab.iso8583.IsoValue;
import com.solab.iso8583.MessageFactory;
import com.solab.iso8583.parse.ConfigParser;
import com.solab.iso8583.parse.FieldParseInfo;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * ISO 8583 as terminals put it on a TCP connection: a length header, an optional TPDU and message
 * header, the MTI, the bitmap and the fields, packed as the profile's {@link Layout} and the field
 * definition file say. The fields themselves are packed and unpacked by j8583 (its XML definition
 * format is the file a user edits); this class adds what j8583 leaves to its caller: the length
 * header, the TPDU and header bytes, the conversion to the bench's field map, the retail MAC's
 * place in the packed message, and the masking of a frame for a journal.
 *
 * <p>The field map is the one {@link IsoMessage} of the JSON dialect carries, so the bank's mappings
 * match the same values whichever dialect the terminal speaks: numbers as digit strings, text as
 * text, binary fields (PIN block, chip data, MAC) as upper-case hex.
 */
public final class IsoFrames {

    /** How the length of the message precedes it. */
    public enum LengthHeader { BINARY2, ASCII4, NONE }

    /** How a part of the message is written. */
    public enum Encoding { BCD, ASCII, BINARY }

    /**
     * One terminal's framing.
     *
     * @param tpdu   5 bytes ({@code 60 DDDD SSSS}) or none
     * @param header the message header after the TPDU (UnionPay: 6 bytes, {@code 6031...}), or none
     * @param fields the j8583 XML field definition
     */
    public record Layout(LengthHeader lengthHeader, byte[] tpdu, byte[] header, Encoding mti, Encoding bitmap,
                         Encoding numerics, Path fields) {
        public Layout {
            tpdu = tpdu.clone();
            header = header.clone();
        }

        /** TPDU and header, as a terminal sends them. */
        public byte[] prefix() {
            byte[] out = Arrays.copyOf(tpdu, tpdu.length + header.length);
            System.arraycopy(header, 0, out, tpdu.length, header.length);
            return out;
        }

        @Override
        public byte[] tpdu() {
            return tpdu.clone();
        }

        @Override
        public byte[] header() {
            return header.clone();
        }
    }

    /** The definition file is not one this codec can use; the message names the file and the field. */
    public static final class BadDefinition extends RuntimeException {
        BadDefinition(String message) {
            super(message);
        }
    }

    /** A frame that cannot be read at all (its length header); the connection's framing is lost. */
    public static final class BrokenFrame extends IOException {
        private final byte[] bytes;

        BrokenFrame(String message, byte[] bytes) {
            super(message);
            this.bytes = bytes.clone();
        }

        /** What was read of it. */
        public byte[] bytes() {
            return bytes.clone();
        }
    }

    /** A message unpacked from a frame, with the TPDU and header it came with. */
    public record Unpacked(byte[] prefix, IsoMessage message) {
        public Unpacked {
            prefix = prefix.clone();
        }

        @Override
        public byte[] prefix() {
            return prefix.clone();
        }
    }

    /** Longer than any message of this bench; a length above it is a broken header, not a message to wait for. */
    public static final int MAX_LENGTH = 4096;

    private static final int MAC_LENGTH = 8;
    private static final Set<IsoType> SUPPORTED = EnumSet.of(IsoType.NUMERIC, IsoType.ALPHA, IsoType.LLVAR,
            IsoType.LLLVAR, IsoType.LLLLVAR, IsoType.BINARY, IsoType.LLBIN, IsoType.LLLBIN, IsoType.LLLLBIN);
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /** j8583's factory, with its parse guides readable: they are also the guide for packing. */
    private static final class Factory extends MessageFactory<com.solab.iso8583.IsoMessage> {
        Map<Integer, FieldParseInfo> guide(int type) {
            return parseMap.get(type);
        }

        Set<Integer> types() {
            return parseMap.keySet();
        }
    }

    private final Layout layout;
    private final Factory factory;

    private IsoFrames(Layout layout, Factory factory) {
        this.layout = layout;
        this.factory = factory;
    }

    /**
     * Reads the field definition.
     *
     * @throws BadDefinition when the file is not a j8583 definition, or uses a field type this bench cannot map
     */
    public static IsoFrames load(Layout layout) {
        Factory factory = new Factory();
        factory.setCharacterEncoding(StandardCharsets.US_ASCII.name());
        try (Reader reader = Files.newBufferedReader(layout.fields(), StandardCharsets.UTF_8)) {
            ConfigParser.configureFromReader(factory, reader);
        } catch (IOException | RuntimeException e) {
            throw new BadDefinition(layout.fields() + ": not a j8583 field definition (" + e.getMessage() + ")");
        }
        if (factory.types().isEmpty()) {
            throw new BadDefinition(layout.fields() + ": defines no message type (<parse type=\"0100\">...)");
        }
        for (int type : factory.types()) {
            factory.guide(type).forEach((field, info) -> {
                if (!SUPPORTED.contains(info.getType())) {
                    throw new BadDefinition(layout.fields() + ": parse type " + mti(type) + " field " + field + ": type "
                            + info.getType() + " is not one the bench maps; use one of " + SUPPORTED);
                }
            });
        }
        factory.setBinaryHeader(layout.mti() == Encoding.BCD);
        factory.setUseBinaryBitmap(layout.bitmap() == Encoding.BINARY);
        factory.setBinaryFields(layout.numerics() == Encoding.BCD);
        return new IsoFrames(layout, factory);
    }

    public Layout layout() {
        return layout;
    }

    /**
     * Packs a message after {@code prefix} (TPDU and header), without the length header. A field 64
     * in the message is packed as it is; see {@link #signed} for a MAC over the packed message.
     *
     * @throws IllegalArgumentException when the definition has no such message type or field, or a value does not fit it
     */
    public byte[] pack(byte[] prefix, IsoMessage message) {
        int type = type(message.mti());
        Map<Integer, FieldParseInfo> guide = factory.guide(type);
        if (guide == null) {
            throw new IllegalArgumentException(layout.fields() + " defines no message type " + message.mti());
        }
        com.solab.iso8583.IsoMessage m = new com.solab.iso8583.IsoMessage();
        m.setType(type);
        m.setCharacterEncoding(StandardCharsets.US_ASCII.name());
        m.setBinaryHeader(factory.isBinaryHeader());
        m.setBinaryFields(factory.isBinaryFields());
        m.setBinaryBitmap(factory.isUseBinaryBitmap());
        for (Map.Entry<Integer, String> f : message.fields().entrySet()) {
            FieldParseInfo info = guide.get(f.getKey());
            if (info == null) {
                throw new IllegalArgumentException(layout.fields() + " defines no field " + f.getKey() + " for " + message.mti());
            }
            m.setField(f.getKey(), value(info, f.getKey(), f.getValue()));
        }
        byte[] packed = m.writeData();
        byte[] out = Arrays.copyOf(prefix, prefix.length + packed.length);
        System.arraycopy(packed, 0, out, prefix.length, packed.length);
        return out;
    }

    /**
     * Unpacks a message (without its length header). Every byte must belong to the message: a
     * message that ends early or carries bytes its bitmap does not explain is malformed.
     */
    public Unpacked unpack(byte[] body) throws IsoMessage.MalformedMessageException {
        int prefixLength = layout.tpdu().length + layout.header().length;
        int mtiLength = layout.mti() == Encoding.BCD ? 2 : 4;
        if (body.length < prefixLength + mtiLength + 8) {
            throw new IsoMessage.MalformedMessageException("too short: " + body.length + " bytes");
        }
        byte[] packed = Arrays.copyOfRange(body, prefixLength, body.length);
        String mti = layout.mti() == Encoding.BCD
                ? HEX.formatHex(packed, 0, 2)
                : new String(packed, 0, 4, StandardCharsets.US_ASCII);
        if (!mti.matches("\\d{4}")) {
            throw new IsoMessage.MalformedMessageException("the MTI is not 4 digits");
        }
        // checked here: j8583 logs the whole buffer, PAN and all, when it has no guide
        if (factory.guide(type(mti)) == null) {
            throw new IsoMessage.MalformedMessageException("message type " + mti + " is not in " + layout.fields().getFileName());
        }
        com.solab.iso8583.IsoMessage m;
        try {
            m = factory.parseMessage(packed, 0);
        } catch (java.text.ParseException | IOException | RuntimeException e) {
            throw new IsoMessage.MalformedMessageException("cannot unpack a " + mti + ": " + e.getClass().getSimpleName());
        }
        Map<Integer, String> fields = new TreeMap<>();
        for (int i = 2; i <= 128; i++) {
            if (m.hasField(i)) {
                IsoValue<?> v = m.getField(i);
                fields.put(i, v.getValue() instanceof byte[] b ? HEX.formatHex(b) : text(v));
            }
        }
        IsoMessage message = new IsoMessage(mti, fields);
        byte[] again;
        try {
            again = pack(new byte[0], message);
        } catch (RuntimeException e) {
            throw new IsoMessage.MalformedMessageException("a field does not fit its definition");
        }
        if (again.length != packed.length) {
            throw new IsoMessage.MalformedMessageException("the fields take " + again.length + " bytes, the message has "
                    + packed.length);
        }
        return new Unpacked(Arrays.copyOf(body, prefixLength), message);
    }

    /** The length header for a message of this many bytes, then the message. */
    public byte[] frame(byte[] body) {
        byte[] header = switch (layout.lengthHeader()) {
            case BINARY2 -> new byte[] {(byte) (body.length >> 8), (byte) body.length};
            case ASCII4 -> "%04d".formatted(body.length).getBytes(StandardCharsets.US_ASCII);
            case NONE -> new byte[0];
        };
        byte[] out = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, out, header.length, body.length);
        return out;
    }

    /**
     * Reads one message: its length header, then that many bytes. Without a length header, a
     * message is what one read returns, as hosts without framing take it.
     *
     * @throws EOFException when the connection ends before a message begins
     * @throws BrokenFrame  when the length header is not a length, or the connection ends inside the message
     */
    public byte[] read(InputStream in) throws IOException {
        int length;
        switch (layout.lengthHeader()) {
            case NONE -> {
                byte[] buffer = new byte[MAX_LENGTH];
                int n = in.read(buffer);
                if (n < 0) {
                    throw new EOFException();
                }
                return Arrays.copyOf(buffer, n);
            }
            case BINARY2 -> {
                byte[] h = readFully(in, 2, new byte[0]);
                length = ((h[0] & 0xFF) << 8) | (h[1] & 0xFF);
                checkLength(length, h);
            }
            case ASCII4 -> {
                byte[] h = readFully(in, 4, new byte[0]);
                String digits = new String(h, StandardCharsets.US_ASCII);
                if (!digits.matches("\\d{4}")) {
                    throw new BrokenFrame("the length header is not 4 digits", h);
                }
                length = Integer.parseInt(digits);
                checkLength(length, h);
            }
            default -> throw new IllegalStateException();
        }
        return readFully(in, length, new byte[0]);
    }

    /** Puts a retail MAC ({@link RetailMac}) over a packed message whose last field is a field 64 placeholder. */
    public byte[] signed(byte[] body, String keyHex) {
        byte[] out = body.clone();
        byte[] mac = RetailMac.compute(macInput(body), keyHex);
        System.arraycopy(mac, 0, out, out.length - MAC_LENGTH, MAC_LENGTH);
        return out;
    }

    /**
     * Whether the message's field 64 is the retail MAC over the rest of the packed message. The MAC
     * covers the message from the MTI up to field 64, as terminals compute it (TPDU and header are
     * the link's, not the message's).
     */
    public boolean macValid(byte[] body, IsoMessage message, String keyHex) {
        if (message.field(MessageMac.FIELD).isEmpty() || body.length < MAC_LENGTH) {
            return false;
        }
        byte[] expected = RetailMac.compute(macInput(body), keyHex);
        return java.security.MessageDigest.isEqual(expected, Arrays.copyOfRange(body, body.length - MAC_LENGTH, body.length));
    }

    /** A placeholder for field 64 before {@link #signed}: the MAC is over the message with its bit set. */
    public static IsoMessage withMacPlaceholder(IsoMessage message) {
        return message.with(MessageMac.FIELD, "0".repeat(2 * MAC_LENGTH));
    }

    /**
     * The answer's TPDU and header to a request's: the TPDU's destination and source addresses
     * swapped (the answer goes back where the request came from), the message header as it came.
     */
    public byte[] answerPrefix(byte[] requestPrefix) {
        byte[] out = requestPrefix.clone();
        if (layout.tpdu().length == 5 && out.length >= 5) {
            out[1] = requestPrefix[3];
            out[2] = requestPrefix[4];
            out[3] = requestPrefix[1];
            out[4] = requestPrefix[2];
        }
        return out;
    }

    /**
     * A frame as hex for a journal or a log, with the card numbers hidden: each of {@code pans}
     * where it stands as ASCII digits or as BCD, and any other run of 13 or more ASCII digits.
     * Without {@code pans} (a frame that could not be read) every hex run that could be a BCD PAN
     * is masked too, bitmaps and lengths included: unreadable is better than a leak.
     */
    public static String maskedHex(byte[] frame, Collection<String> pans) {
        byte[] bytes = frame.clone();
        int run = 0;
        for (int i = 0; i <= bytes.length; i++) {
            boolean digit = i < bytes.length && bytes[i] >= '0' && bytes[i] <= '9';
            if (digit) {
                run++;
                continue;
            }
            if (run >= 13) {
                for (int j = i - run + 6; j < i - 4; j++) {
                    bytes[j] = '*';
                }
            }
            run = 0;
        }
        String hex = HEX.formatHex(bytes);
        for (String pan : pans) {
            if (pan.length() >= 13 && pan.chars().allMatch(Character::isDigit)) {
                hex = hex.replace(pan, Pans.mask(pan));
            }
        }
        return pans.isEmpty() ? Pans.maskAll(hex) : hex;
    }

    private byte[] macInput(byte[] body) {
        int prefixLength = layout.tpdu().length + layout.header().length;
        return Arrays.copyOfRange(body, prefixLength, body.length - MAC_LENGTH);
    }

    private static void checkLength(int length, byte[] header) throws BrokenFrame {
        if (length == 0 || length > MAX_LENGTH) {
            throw new BrokenFrame("the length header says " + length + " bytes", header);
        }
    }

    private static byte[] readFully(InputStream in, int length, byte[] before) throws IOException {
        byte[] out = new byte[length];
        int at = 0;
        while (at < length) {
            int n = in.read(out, at, length - at);
            if (n < 0) {
                if (at == 0 && before.length == 0 && length <= 4) {
                    throw new EOFException();
                }
                byte[] got = Arrays.copyOf(out, at);
                throw new BrokenFrame("the connection ended " + (length - at) + " bytes short of the message", got);
            }
            at += n;
        }
        return out;
    }

    private static IsoValue<?> value(FieldParseInfo info, int field, String text) {
        IsoType type = info.getType();
        return switch (type) {
            case BINARY -> new IsoValue<>(type, hex(field, text), info.getLength());
            case LLBIN, LLLBIN, LLLLBIN -> new IsoValue<>(type, hex(field, text));
            case NUMERIC -> {
                if (!text.matches("\\d+") || text.length() > info.getLength()) {
                    throw new IllegalArgumentException("field " + field + " is numeric of " + info.getLength() + " digits");
                }
                yield new IsoValue<>(type, text, info.getLength());
            }
            case ALPHA -> {
                if (text.length() > info.getLength()) {
                    throw new IllegalArgumentException("field " + field + " has at most " + info.getLength() + " characters");
                }
                yield new IsoValue<>(type, text, info.getLength());
            }
            default -> new IsoValue<>(type, text);
        };
    }

    private static byte[] hex(int field, String text) {
        try {
            return HEX.parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field " + field + " is binary: hex digits in pairs");
        }
    }

    private static String text(IsoValue<?> v) {
        // j8583 keeps a numeric field as a number: give it back its digits, zero-padded to the field
        return v.getType() == IsoType.NUMERIC ? v.getType().format(v.getValue().toString(), v.getLength()) : v.getValue().toString();
    }

    private static int type(String mti) {
        return Integer.parseInt(mti, 16);
    }

    private static String mti(int type) {
        return "%04x".formatted(type);
    }
}
