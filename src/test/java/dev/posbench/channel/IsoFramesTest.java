package dev.posbench.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ISO 8583 frames of a UnionPay-style link, checked against frames built by hand from the
 * published layout: {@code 00aa 6000030000 603100011001 0210 703E00810AD08013 ...} (2-byte length,
 * TPDU, 6-byte header, BCD MTI, binary bitmap, BCD numerics).
 */
class IsoFramesTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final Path FIELDS = Path.of("bench-config/iso8583/unionpay-style.xml");
    private static final IsoFrames.Layout UNIONPAY = new IsoFrames.Layout(IsoFrames.LengthHeader.BINARY2,
            HEX.parseHex("6000030000"), HEX.parseHex("603100011001"), IsoFrames.Encoding.BCD,
            IsoFrames.Encoding.BINARY, IsoFrames.Encoding.BCD, FIELDS);
    private static final IsoFrames CODEC = IsoFrames.load(UNIONPAY);
    private static final String MAC_KEY = "0123456789ABCDEFFEDCBA9876543210";

    /**
     * A 0100 by hand: fields 2, 3, 4, 11, 41, 52. Bitmap: bits 2, 3, 4 -> 0x70; 11 -> 0x20 in byte 2;
     * 41 -> 0x80 in byte 6; 52 -> 0x10 in byte 7.
     */
    private static final String REQUEST_BODY = "6000030000" + "603100011001" + "0100" + "7020000000801000"
            + "16" + "6212345678901234"                 // 2: LLVAR, BCD length 16, ASCII digits
                    .replace("6212345678901234", ascii("6212345678901234"))
            + "000000"                                  // 3: n6 BCD
            + "000000006600"                            // 4: n12 BCD
            + "000123"                                  // 11: n6 BCD
            + ascii("PB000001")                         // 41: an8
            + "0102030405060708";                       // 52: b8

    /**
     * The published frame's own start, {@code 00AA 6000030000 603100011001 0210 703E00810AD08013},
     * completed by hand with a field for every bit of that bitmap (2, 3, 4, 11-15, 25, 32, 37, 39,
     * 41, 42, 44, 49, 60, 63, 64), sized so the length header is the published 0x00AA.
     */
    @Test
    void readsThePublishedCupAnswerLayoutAndPacksItBackByteForByte() throws Exception {
        IsoFrames cup = IsoFrames.load(new IsoFrames.Layout(IsoFrames.LengthHeader.BINARY2, HEX.parseHex("6000030000"),
                HEX.parseHex("603100011001"), IsoFrames.Encoding.BCD, IsoFrames.Encoding.BINARY,
                IsoFrames.Encoding.BCD, Path.of("src/test/resources/iso8583/cup-purchase-answer.xml")));
        String body = "6000030000" + "603100011001" + "0210" + "703E00810AD08013"
                + "16" + ascii("6212345678901234")      // 2 PAN, LLVAR
                + "000000"                              // 3 processing code
                + "000000006600"                        // 4 amount
                + "000123"                              // 11 STAN
                + "153012"                              // 12 local time hhmmss
                + "1122"                                // 13 local date MMDD
                + "3012"                                // 14 expiry
                + "1122"                                // 15 settlement date
                + "00"                                  // 25 condition code
                + "08" + ascii("00010000")              // 32 acquirer id, LLVAR
                + ascii("532215300123")                 // 37 reference number
                + ascii("00")                           // 39 response code
                + ascii("PB000001")                     // 41 terminal id
                + ascii("898440153110001")              // 42 merchant id
                + "22" + ascii("0308000003080000      ") // 44 additional response data, LLVAR
                + ascii("156")                          // 49 currency
                + "0014" + ascii("22000001000600")      // 60 reserved, LLLVAR
                + "0012" + ascii("CUP000000000")        // 63 reserved, LLLVAR
                + "1122334455667788";                   // 64 MAC
        byte[] frame = HEX.parseHex("%04X".formatted(body.length() / 2) + body);
        assertEquals("00AA6000030000603100011001" + "0210703E00810AD08013", HEX.formatHex(frame, 0, 23));

        byte[] read = cup.read(new ByteArrayInputStream(frame));
        IsoFrames.Unpacked u = cup.unpack(read);
        IsoMessage m = u.message();
        assertEquals("0210", m.mti());
        assertEquals(List.of(2, 3, 4, 11, 12, 13, 14, 15, 25, 32, 37, 39, 41, 42, 44, 49, 60, 63, 64),
                List.copyOf(m.fields().keySet()));
        assertEquals("6212345678901234", m.field(2).orElseThrow());
        assertEquals("000000006600", m.field(4).orElseThrow());
        assertEquals("00", m.field(39).orElseThrow());
        assertEquals("898440153110001", m.field(42).orElseThrow());
        assertEquals("1122334455667788", m.field(64).orElseThrow());
        assertArrayEquals(frame, cup.frame(cup.pack(u.prefix(), m)), "packed back byte for byte");
    }

    @Test
    void unpacksAHandBuiltRequest() throws Exception {
        byte[] frame = HEX.parseHex("00" + "%02X".formatted(REQUEST_BODY.length() / 2) + REQUEST_BODY);
        byte[] body = CODEC.read(new ByteArrayInputStream(frame));
        IsoFrames.Unpacked u = CODEC.unpack(body);
        assertEquals("6000030000603100011001", HEX.formatHex(u.prefix()));
        assertEquals(new IsoMessage("0100", Map.of(2, "6212345678901234", 3, "000000", 4, "000000006600",
                11, "000123", 41, "PB000001", 52, "0102030405060708")), u.message());
    }

    @Test
    void packsAnAnswerByteForByte() {
        IsoMessage answer = new IsoMessage("0110", Map.of(3, "000000", 4, "000000006600", 11, "000123",
                38, "123456", 39, "00", 41, "PB000001"));
        byte[] prefix = CODEC.answerPrefix(HEX.parseHex("6000030000603100011001"));
        // bitmap: 3, 4 -> 0x30; 11 -> 0x20; 38 -> 0x04, 39 -> 0x02 in byte 5; 41 -> 0x80 in byte 6
        String body = "6000000003" + "603100011001" + "0110" + "3020000006800000"
                + "000000" + "000000006600" + "000123" + ascii("123456") + ascii("00") + ascii("PB000001");
        String expected = "%04X".formatted(body.length() / 2) + body;
        assertEquals(expected, HEX.formatHex(CODEC.frame(CODEC.pack(prefix, answer))));
    }

    @Test
    void theRetailMacCoversTheMessageAndNotTheLink() throws Exception {
        IsoMessage request = new IsoMessage("0100", Map.of(3, "000000", 11, "000123", 41, "PB000001"));
        byte[] signed = CODEC.signed(CODEC.pack(UNIONPAY.prefix(), IsoFrames.withMacPlaceholder(request)), MAC_KEY);
        IsoMessage unpacked = CODEC.unpack(signed).message();
        assertTrue(CODEC.macValid(signed, unpacked, MAC_KEY));
        byte[] macInput = java.util.Arrays.copyOfRange(signed, 11, signed.length - 8);
        assertEquals(HEX.formatHex(RetailMac.compute(macInput, MAC_KEY)), unpacked.field(64).orElseThrow());

        byte[] tampered = signed.clone();
        tampered[tampered.length - 12] ^= 0x01; // a digit of field 41, covered by the MAC
        assertFalse(CODEC.macValid(tampered, CODEC.unpack(tampered).message(), MAC_KEY));
        byte[] otherTpdu = signed.clone();
        otherTpdu[2] = 0x07; // the TPDU is the link's, not the message's
        assertTrue(CODEC.macValid(otherTpdu, unpacked, MAC_KEY));
    }

    /** X9.19 of a published test vector: key 0123456789ABCDEF FEDCBA9876543210, "Now is the time for all ". */
    @Test
    void retailMacOfAKnownVector() {
        byte[] data = "Now is the time for all ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals("A1C72E74EA3FA9B6", HEX.formatHex(RetailMac.compute(data, MAC_KEY)));
    }

    @Test
    void brokenFramesAreRefusedWithoutAThrowOtherThanTheirOwn() {
        // short: the connection ends inside the message
        assertThrows(IsoFrames.BrokenFrame.class, () -> CODEC.read(new ByteArrayInputStream(HEX.parseHex("0040600003"))));
        // a length header beyond any message
        assertThrows(IsoFrames.BrokenFrame.class, () -> CODEC.read(new ByteArrayInputStream(HEX.parseHex("FFFF00"))));
        // nothing at all: the terminal hung up between messages
        assertThrows(EOFException.class, () -> CODEC.read(new ByteArrayInputStream(new byte[0])));

        byte[] good = HEX.parseHex(REQUEST_BODY);
        // wrong length: a byte more than the fields take
        assertThrows(IsoMessage.MalformedMessageException.class, () -> CODEC.unpack(concat(good, new byte[] {0})));
        // a byte short: the last field is cut
        assertThrows(IsoMessage.MalformedMessageException.class,
                () -> CODEC.unpack(java.util.Arrays.copyOf(good, good.length - 1)));
        // bad bitmap: field 5, which the table does not define
        byte[] badBitmap = good.clone();
        badBitmap[13] = (byte) 0x78;
        assertThrows(IsoMessage.MalformedMessageException.class, () -> CODEC.unpack(badBitmap));
        // garbage
        assertThrows(IsoMessage.MalformedMessageException.class,
                () -> CODEC.unpack("{\"mti\":\"0110\",\"fields\":{\"39\":\"0".getBytes()));
        assertThrows(IsoMessage.MalformedMessageException.class, () -> CODEC.unpack(new byte[5]));
    }

    @Test
    void asciiLayoutsRoundTrip() throws Exception {
        IsoFrames ascii = IsoFrames.load(new IsoFrames.Layout(IsoFrames.LengthHeader.ASCII4, new byte[0], new byte[0],
                IsoFrames.Encoding.ASCII, IsoFrames.Encoding.ASCII, IsoFrames.Encoding.ASCII, FIELDS));
        IsoMessage m = new IsoMessage("0100", Map.of(2, "6212345678901234", 11, "000123", 55, "9F2701809F3602000F"));
        byte[] frame = ascii.frame(ascii.pack(new byte[0], m));
        String text = new String(frame, java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("%04d0100".formatted(frame.length - 4)), text);
        assertEquals(m, ascii.unpack(ascii.read(new ByteArrayInputStream(frame))).message());
    }

    @Test
    void aJournalNeverShowsTheWholePan() throws Exception {
        byte[] frame = HEX.parseHex(REQUEST_BODY);
        String hex = IsoFrames.maskedHex(frame, List.of("6212345678901234"));
        assertFalse(hex.contains(ascii("6212345678901234")), hex);
        assertTrue(hex.contains(ascii("621234")), hex);
        // BCD-packed PANs too
        String bcd = IsoFrames.maskedHex(HEX.parseHex("16" + "6212345678901234" + "00"), List.of("6212345678901234"));
        assertEquals("16621234******123400", bcd);
        // a frame that did not unpack: no PAN is known, any run that could be one is hidden
        String unknown = IsoFrames.maskedHex(HEX.parseHex("16" + "6212345678901234" + "00"), List.of());
        assertFalse(unknown.contains("6212345678901234"), unknown);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String ascii(String s) {
        return HEX.formatHex(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
