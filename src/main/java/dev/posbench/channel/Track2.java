package dev.posbench.channel;

import java.io.ByteArrayOutputStream;

/**
 * Magnetic stripe track 2 (ISO/IEC 7811-2) at the character level: each character is 4 data bits,
 * least significant first, plus an odd parity bit (bit 4). The track runs start sentinel
 * {@code ;}, data, end sentinel {@code ?}, then a longitudinal redundancy check (LRC) character.
 * A damaged or demagnetised stripe shows up as parity or LRC errors, or as no data at all.
 */
public final class Track2 {

    private static final int START_SENTINEL = 0x0B;
    private static final int END_SENTINEL = 0x0F;

    private Track2() {}

    /** What a read head made of a stripe. */
    public sealed interface Reading {
        record Data(String track2) implements Reading {}

        record Error(String reason) implements Reading {}
    }

    /** Encodes track 2 data (digits and {@code =} only, without sentinels) as the stripe carries it. */
    public static byte[] encode(String data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length() + 3);
        int lrc = START_SENTINEL;
        out.write(withParity(START_SENTINEL));
        for (char c : data.toCharArray()) {
            int code = code(c);
            lrc ^= code;
            out.write(withParity(code));
        }
        lrc ^= END_SENTINEL;
        out.write(withParity(END_SENTINEL));
        out.write(withParity(lrc));
        return out.toByteArray();
    }

    /** Decodes stripe characters, checking every parity bit and the LRC. */
    public static Reading decode(byte[] stripe) {
        if (stripe.length < 3) {
            return new Reading.Error("no data on the stripe");
        }
        if (!parityOk(stripe[0]) || (stripe[0] & 0x0F) != START_SENTINEL) {
            return new Reading.Error("no start sentinel");
        }
        StringBuilder data = new StringBuilder();
        int lrc = START_SENTINEL;
        for (int i = 1; i < stripe.length; i++) {
            int ch = stripe[i] & 0x1F;
            if (!parityOk(ch)) {
                return new Reading.Error("parity error at character " + i);
            }
            int code = ch & 0x0F;
            lrc ^= code;
            if (code == END_SENTINEL) {
                if (i + 1 >= stripe.length) {
                    return new Reading.Error("no LRC after the end sentinel");
                }
                int lrcChar = stripe[i + 1] & 0x1F;
                if (!parityOk(lrcChar) || (lrcChar & 0x0F) != lrc) {
                    return new Reading.Error("LRC error");
                }
                return new Reading.Data(data.toString());
            }
            data.append(character(code));
        }
        return new Reading.Error("no end sentinel");
    }

    private static int code(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c == '=') {
            return 0x0D;
        }
        throw new IllegalArgumentException("track 2 carries digits and '=' only, not '" + c + "'");
    }

    private static char character(int code) {
        return (char) ('0' + code); // 0x0A..0x0F map to : ; < = > ? as in the standard
    }

    private static int withParity(int code) {
        return Integer.bitCount(code) % 2 == 0 ? code | 0x10 : code;
    }

    private static boolean parityOk(int ch) {
        return Integer.bitCount(ch & 0x1F) % 2 == 1;
    }
}
