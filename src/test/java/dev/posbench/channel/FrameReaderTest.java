package dev.posbench.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.channel.FrameReader.Event;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The framer against frames built by hand from the public descriptions of two ECR protocols (the
 * check values were computed apart from this code): ZVT over serial, {@code DLE STX | APDU with
 * DLE doubled | DLE ETX | CRC-16/CCITT reflected, start 0, over APDU and ETX, low byte first}; and
 * Concert, {@code STX | message | ETX | LRC}, the LRC the XOR of the message and the ETX.
 */
class FrameReaderTest {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    /** ZVT authorization APDU 06 01, length 07, amount tag 04 with 10.00 in BCD: its 0x10 is doubled on the wire. */
    private static final byte[] ZVT_APDU = HEX.parseHex("06 01 07 04 00 00 00 00 10 00");
    private static final byte[] ZVT_FRAME = HEX.parseHex("10 02 06 01 07 04 00 00 00 00 10 10 00 10 03 62 91");
    private static final String CONCERT_MESSAGE = "0100000012001010978          ";
    private static final byte[] CONCERT_FRAME = HEX.parseHex(
            "02 30 31 30 30 30 30 30 30 31 32 30 30 31 30 31 30 39 37 38 20 20 20 20 20 20 20 20 20 20 03 37");
    private static final Duration ACK_WAIT = Duration.ofMillis(500);

    private static FrameFormat zvt() {
        return format(Map.of("start", "10 02", "end", "10 03", "escaping", "dle", "check", "crc16-ccitt",
                "checkOrder", "low-first", "ackTimeout", "500ms", "retries", "2"));
    }

    private static FrameFormat concert() {
        return format(Map.of("start", "02", "end", "03", "check", "lrc", "ackTimeout", "500ms", "retries", "2"));
    }

    private static FrameFormat format(Map<String, String> knobs) {
        return FrameFormat.parse(k -> Optional.ofNullable(knobs.get(k)));
    }

    private static List<Event> feedEachByte(FrameReader r, byte[] bytes, long at) {
        List<Event> all = new ArrayList<>();
        for (byte b : bytes) {
            all.addAll(r.accept(new byte[] {b}, at));
        }
        return all;
    }

    @Test
    void theCrcIsCcittReflectedAsTheCatalogOfCrcsChecksIt() {
        // CRC-16/KERMIT (poly 0x1021 reflected = 0x8408, init 0, no final XOR): check value of "123456789"
        assertEquals(0x2189, FrameFormat.crc16(0, "123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aZvtFrameIsBuiltAndReadByte() {
        assertArrayEquals(ZVT_FRAME, zvt().encode(ZVT_APDU), "DLE doubled, CRC 9162 low byte first");
        List<Event> events = new FrameReader(zvt()).accept(ZVT_FRAME, 0);
        assertEquals(1, events.size(), events.toString());
        Event.Frame f = assertInstanceOf(Event.Frame.class, events.getFirst());
        assertArrayEquals(ZVT_APDU, f.data(), "the DLE pair reads as one 0x10");
        assertArrayEquals(ZVT_FRAME, f.raw());
        assertFalse(f.repeat());
    }

    @Test
    void theCrcByteOrderIsAKnob() {
        FrameFormat highFirst = format(Map.of("start", "10 02", "end", "10 03", "escaping", "dle",
                "check", "crc16-ccitt", "checkOrder", "high-first"));
        byte[] frame = highFirst.encode(ZVT_APDU);
        assertEquals("91 62", HEX.formatHex(frame, frame.length - 2, frame.length));
        assertInstanceOf(Event.Frame.class, new FrameReader(highFirst).accept(frame, 0).getFirst());
        // the low-first reader refuses it: the same bytes in the other order are not its CRC
        Event e = new FrameReader(zvt()).accept(frame, 0).getFirst();
        assertTrue(assertInstanceOf(Event.Corrupt.class, e).why().contains("expected 62 91"), e.toString());
    }

    @Test
    void aConcertFrameCarriesItsLrc() {
        assertArrayEquals(CONCERT_FRAME, concert().encode(CONCERT_MESSAGE.getBytes(StandardCharsets.US_ASCII)));
        Event.Frame f = assertInstanceOf(Event.Frame.class, new FrameReader(concert()).accept(CONCERT_FRAME, 0).getFirst());
        assertEquals(CONCERT_MESSAGE, new String(f.data(), StandardCharsets.US_ASCII));
    }

    @Test
    void aFrameSplitAtEveryByteReadsWholeOnce() {
        for (FrameFormat fmt : List.of(zvt(), concert())) {
            byte[] frame = fmt.encode(ZVT_APDU);
            List<Event> events = feedEachByte(new FrameReader(fmt), frame, 0);
            assertEquals(1, events.size(), fmt.describe() + ": " + events);
            assertArrayEquals(ZVT_APDU, assertInstanceOf(Event.Frame.class, events.getFirst()).data());
        }
        // the split falls between DLE and its double, and between DLE and ETX
        FrameReader r = new FrameReader(zvt());
        assertTrue(r.accept(HEX.parseHex("10 02 06 01 07 04 00 00 00 00 10"), 0).isEmpty());
        assertTrue(r.accept(HEX.parseHex("10 00 10"), 0).isEmpty());
        assertTrue(r.accept(HEX.parseHex("03 62"), 0).isEmpty(), "the CRC is not complete");
        assertArrayEquals(ZVT_APDU, assertInstanceOf(Event.Frame.class, r.accept(HEX.parseHex("91"), 0).getFirst()).data());
    }

    @Test
    void aCorruptFrameIsRefusedAndTheNextOneRead() {
        byte[] bad = ZVT_FRAME.clone();
        bad[5] ^= 0x01; // one bit flipped in the amount
        FrameReader r = new FrameReader(zvt());
        Event e = r.accept(bad, 0).getFirst();
        Event.Corrupt c = assertInstanceOf(Event.Corrupt.class, e);
        assertTrue(c.why().startsWith("CRC16-CCITT"), c.why());
        assertArrayEquals(bad, c.raw());
        assertInstanceOf(Event.Frame.class, r.accept(ZVT_FRAME, 0).getFirst(), "the reader is hunting again");

        byte[] badLrc = CONCERT_FRAME.clone();
        badLrc[badLrc.length - 1] = 0x36;
        Event.Corrupt lrc = assertInstanceOf(Event.Corrupt.class, new FrameReader(concert()).accept(badLrc, 0).getFirst());
        assertEquals("LRC 36, expected 37", lrc.why());
    }

    @Test
    void aDleFollowedByNeitherItselfNorAMarkerBreaksTheFrame() {
        List<Event> events = new FrameReader(zvt()).accept(HEX.parseHex("10 02 06 10 41 00 10 03 00 00"), 0);
        assertTrue(assertInstanceOf(Event.Corrupt.class, events.getFirst()).why().contains("DLE followed by 41"));
    }

    @Test
    void aNewStartMarkerAbandonsTheFrameInFlight() {
        byte[] broken = HEX.parseHex("02 30 31");
        byte[] both = new byte[broken.length + CONCERT_FRAME.length];
        System.arraycopy(broken, 0, both, 0, broken.length);
        System.arraycopy(CONCERT_FRAME, 0, both, broken.length, CONCERT_FRAME.length);
        List<Event> events = new FrameReader(concert()).accept(both, 0);
        assertEquals(2, events.size(), events.toString());
        assertEquals("a new frame began before this one ended", assertInstanceOf(Event.Corrupt.class, events.get(0)).why());
        assertInstanceOf(Event.Frame.class, events.get(1));
    }

    @Test
    void aCopyAfterTheSendersTimerIsARepeatAndOtherCopiesAreNewMessages() {
        FrameReader r = new FrameReader(zvt());
        long t0 = 1_000_000_000L;
        assertFalse(((Event.Frame) r.accept(ZVT_FRAME, t0).getFirst()).repeat());
        // the sender's 500 ms timer ran out (our ACK was lost): it sends the same frame again
        long again = t0 + ACK_WAIT.toNanos() + 1_000_000;
        assertTrue(((Event.Frame) r.accept(ZVT_FRAME, again).getFirst()).repeat());
        // the same bytes right away: the sender had its ACK and says the same thing once more
        assertFalse(((Event.Frame) r.accept(ZVT_FRAME, again + 1_000_000).getFirst()).repeat());
        // long after the last copy: a new message
        long later = again + ACK_WAIT.toNanos() * 3;
        assertFalse(((Event.Frame) r.accept(ZVT_FRAME, later).getFirst()).repeat());
        // the receiver answered with a frame of its own in between: the conversation moved on
        r.sentFrame();
        assertFalse(((Event.Frame) r.accept(ZVT_FRAME, later + ACK_WAIT.toNanos() + 1).getFirst()).repeat());
    }

    @Test
    void ackAndNakOutsideAFrameAnswerTheLastFrameSent() {
        List<Event> events = new FrameReader(zvt()).accept(HEX.parseHex("15 06 41"), 0);
        assertInstanceOf(Event.Nak.class, events.get(0));
        assertInstanceOf(Event.Ack.class, events.get(1));
        assertArrayEquals(new byte[] {0x41}, assertInstanceOf(Event.Noise.class, events.get(2)).bytes());
        // inside a frame the same bytes are data
        byte[] frame = concert().encode(new byte[] {0x06, 0x15});
        assertArrayEquals(new byte[] {0x06, 0x15},
                assertInstanceOf(Event.Frame.class, new FrameReader(concert()).accept(frame, 0).getFirst()).data());
    }

    @Test
    void aTwoByteLengthFieldInEitherByteOrder() {
        byte[] sale = "SALE 1200".getBytes(StandardCharsets.US_ASCII);
        FrameFormat high = format(Map.of("length", "two-bytes-high-first", "check", "lrc"));
        FrameFormat low = format(Map.of("length", "two-bytes-low-first", "check", "lrc"));
        assertArrayEquals(HEX.parseHex("02 00 09 53 41 4c 45 20 31 32 30 30 03 32"), high.encode(sale));
        assertArrayEquals(HEX.parseHex("02 09 00 53 41 4c 45 20 31 32 30 30 03 32"), low.encode(sale));
        // the length decides where the data ends: an ETX byte inside it is data
        byte[] withEtx = {0x41, 0x03, 0x42};
        assertArrayEquals(withEtx, assertInstanceOf(Event.Frame.class,
                feedEachByte(new FrameReader(high), high.encode(withEtx), 0).getFirst()).data());
        // a length that disagrees with the end marker's place
        Event e = new FrameReader(high).accept(HEX.parseHex("02 00 02 41 03 42 03 00"), 0).getFirst();
        assertTrue(assertInstanceOf(Event.Corrupt.class, e).why().contains("end marker"), e.toString());
    }

    @Test
    void anLrcMayStartFromAFixedByte() {
        FrameFormat from7f = format(Map.of("check", "lrc", "checkStart", "7F"));
        byte[] frame = from7f.encode(CONCERT_MESSAGE.getBytes(StandardCharsets.US_ASCII));
        assertEquals(0x37 ^ 0x7F, frame[frame.length - 1] & 0xFF);
    }

    @Test
    void badKnobsNameTheKnob() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> format(Map.of("check", "crc32")))
                .getMessage().startsWith("check:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> format(Map.of("start", "zz")))
                .getMessage().startsWith("start:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> format(Map.of("escaping", "dle")))
                .getMessage().contains("DLE"), "DLE escaping needs DLE markers");
    }
}
