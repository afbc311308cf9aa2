package dev.posbench.channel;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * BER-TLV as EMV uses it (EMV Book 3, Annex B): tags of one to three bytes, lengths up to 65535,
 * constructed objects whose value is more objects. Only what a chip and its reader exchange, so
 * no indefinite lengths and no tags longer than three bytes.
 *
 * <p>A tag is written as the {@code int} of its bytes, as the specifications print it:
 * {@code 0x5A}, {@code 0x9F17}, {@code 0xBF0C}.
 */
public final class Tlv {

    /** Bit 6 of a tag's first byte: the value is itself TLV objects. */
    private static final int CONSTRUCTED = 0x20;
    /** A first tag byte with these five bits set says more tag bytes follow. */
    private static final int MORE_TAG_BYTES = 0x1F;
    /** In a subsequent tag byte, bit 8 says another one follows. */
    private static final int ANOTHER_TAG_BYTE = 0x80;

    private Tlv() {}

    /**
     * One data object. The value is copied in and out, since an array would otherwise let callers
     * change what others parsed; toString shows no value, since a PAN or a track 2 may be one.
     */
    public record Element(int tag, byte[] value) {

        public Element {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        /** Whether the value is made of further data objects. */
        public boolean constructed() {
            return isConstructed(tag);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Element(int otherTag, byte[] otherValue) && tag == otherTag
                    && Arrays.equals(value, otherValue);
        }

        @Override
        public int hashCode() {
            return 31 * tag + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Element[tag=%X, length=%d]".formatted(tag, value.length);
        }
    }

    /**
     * One data object whose value is the parts one after the other: the raw bytes of a primitive
     * object, or the encoded children of a constructed one (both are just bytes on the wire).
     */
    public static byte[] of(int tag, byte[]... parts) {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            value.writeBytes(part);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.size() + 7);
        out.writeBytes(tagBytes(tag));
        writeLength(out, value.size());
        out.writeBytes(value.toByteArray());
        return out.toByteArray();
    }

    /**
     * The value of the first object with this tag, looking into constructed objects depth first,
     * as a reader looks for {@code 4F} inside {@code 6F > A5 > BF0C > 61}. Throws
     * {@link IllegalArgumentException} when the data is not well-formed TLV.
     */
    public static Optional<byte[]> find(byte[] data, int tag) {
        for (Element element : parse(data)) {
            if (element.tag() == tag) {
                return Optional.of(element.value());
            }
            if (element.constructed()) {
                Optional<byte[]> inner = find(element.value, tag);
                if (inner.isPresent()) {
                    return inner;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The top-level objects of the data, in order. Throws {@link IllegalArgumentException} when an
     * object is cut short or its length form is not one EMV uses.
     */
    public static List<Element> parse(byte[] data) {
        List<Element> elements = new ArrayList<>();
        int i = 0;
        while (i < data.length) {
            if (data[i] == 0x00) {
                i++; // EMV allows 00 bytes before, between and after objects (erased data); they mean nothing
                continue;
            }
            int tag = data[i] & 0xFF;
            boolean more = (tag & MORE_TAG_BYTES) == MORE_TAG_BYTES;
            i++;
            while (more) {
                require(i < data.length, "a tag is cut short");
                require(tag <= 0xFFFF, "a tag longer than three bytes");
                int next = data[i++] & 0xFF;
                tag = tag << 8 | next;
                more = (next & ANOTHER_TAG_BYTE) != 0;
            }
            require(i < data.length, "tag %X has no length".formatted(tag));
            int length = data[i++] & 0xFF;
            if (length > 0x7F) {
                int lengthBytes = length & 0x7F;
                require(lengthBytes == 1 || lengthBytes == 2, "tag %X has a length form EMV does not use".formatted(tag));
                require(i + lengthBytes <= data.length, "the length of tag %X is cut short".formatted(tag));
                length = 0;
                for (int n = 0; n < lengthBytes; n++) {
                    length = length << 8 | (data[i++] & 0xFF);
                }
            }
            require(length <= data.length - i, "the value of tag %X is cut short".formatted(tag));
            elements.add(new Element(tag, Arrays.copyOfRange(data, i, i + length)));
            i += length;
        }
        return List.copyOf(elements);
    }

    private static boolean isConstructed(int tag) {
        return (firstTagByte(tag) & CONSTRUCTED) != 0;
    }

    private static int firstTagByte(int tag) {
        int shift = 16;
        while (shift > 0 && (tag >>> shift) == 0) {
            shift -= 8;
        }
        return tag >>> shift & 0xFF;
    }

    /** The tag's bytes, refusing an int that is not a well-formed tag so a typo fails at once. */
    private static byte[] tagBytes(int tag) {
        if (tag <= 0 || tag > 0xFFFFFF) {
            throw new IllegalArgumentException("not a tag: %X".formatted(tag));
        }
        int size = 4 - Integer.numberOfLeadingZeros(tag) / 8;
        byte[] bytes = new byte[size];
        for (int n = 0; n < size; n++) {
            bytes[n] = (byte) (tag >>> (8 * (size - 1 - n)));
        }
        boolean wellFormed = ((bytes[0] & MORE_TAG_BYTES) == MORE_TAG_BYTES) == (size > 1);
        for (int n = 1; n < size; n++) {
            wellFormed &= ((bytes[n] & ANOTHER_TAG_BYTE) != 0) == (n < size - 1);
        }
        if (!wellFormed) {
            throw new IllegalArgumentException("not a well-formed tag: %X".formatted(tag));
        }
        return bytes;
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length <= 0xFF) {
            out.write(0x81);
            out.write(length);
        } else if (length <= 0xFFFF) {
            out.write(0x82);
            out.write(length >>> 8);
            out.write(length);
        } else {
            throw new IllegalArgumentException("a value longer than 65535 bytes");
        }
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException("malformed TLV: " + problem);
        }
    }
}
