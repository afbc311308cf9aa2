package dev.posbench.channel;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reads frames of one {@link FrameFormat} out of a byte stream that arrives in pieces of any size:
 * the receiving half of an ECR link, used by the bench and by the reference terminal alike. It
 * only reads; what to answer (ACK or NAK) and when to send again is the caller's, told by the
 * events it returns.
 *
 * <p>A frame whose copy arrives again as a sender repeats it when its ACK was lost is reported as a
 * {@link Event.Frame#repeat() repeat}: the receiver acknowledges it again but must not act on it
 * twice. A repeat comes once the sender's ACK timer ran out (a sender that got its ACK sends its
 * next frame at once), and before a second timer would have; and only while the receiver sent no
 * frame of its own in between (then the conversation moved on, and the same bytes are a new
 * message: a second sale of the same amount).
 *
 * <p>Not thread-safe: one reader per stream, fed from one thread.
 */
public final class FrameReader {

    /** What a run of bytes completed. */
    public sealed interface Event {
        /** A frame whose check held: its data (unescaped) and its bytes as they crossed the wire. */
        record Frame(byte[] data, byte[] raw, boolean repeat) implements Event {
            public Frame {
                data = data.clone();
                raw = raw.clone();
            }

            @Override
            public byte[] data() {
                return data.clone();
            }

            @Override
            public byte[] raw() {
                return raw.clone();
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Frame f && Arrays.equals(data, f.data) && Arrays.equals(raw, f.raw) && repeat == f.repeat;
            }

            @Override
            public int hashCode() {
                return Objects.hash(Arrays.hashCode(data), Arrays.hashCode(raw), repeat);
            }

            @Override
            public String toString() {
                return "Frame[" + data.length + " data bytes" + (repeat ? ", repeat" : "") + "]";
            }
        }

        /** A frame that cannot be taken: its check failed, or it broke off. The receiver answers NAK. */
        record Corrupt(byte[] raw, String why) implements Event {
            public Corrupt {
                raw = raw.clone();
            }

            @Override
            public byte[] raw() {
                return raw.clone();
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Corrupt c && Arrays.equals(raw, c.raw) && why.equals(c.why);
            }

            @Override
            public int hashCode() {
                return Objects.hash(Arrays.hashCode(raw), why);
            }

            @Override
            public String toString() {
                return "Corrupt[" + raw.length + " bytes: " + why + "]";
            }
        }

        /** The other side acknowledged the last frame sent to it. */
        record Ack() implements Event {}

        /** The other side refused the last frame sent to it: send it again. */
        record Nak() implements Event {}

        /** Bytes outside any frame that mean nothing to the protocol. */
        record Noise(byte[] bytes) implements Event {
            public Noise {
                bytes = bytes.clone();
            }

            @Override
            public byte[] bytes() {
                return bytes.clone();
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Noise n && Arrays.equals(bytes, n.bytes);
            }

            @Override
            public int hashCode() {
                return Arrays.hashCode(bytes);
            }
        }
    }

    /** Longer than any ECR message: a frame that never ends is given up rather than grown forever. */
    private static final int MAX_FRAME = 64 * 1024;

    private enum State { HUNT, LENGTH, DATA, END, CHECK }

    private final FrameFormat format;
    /** A copy arriving this long or longer after the last one is a repeat (the sender's timer ran out) ... */
    private final long repeatAfterNanos;
    /** ... and only up to this long after it. */
    private final long repeatBeforeNanos;
    private State state = State.HUNT;
    private int startMatched;
    private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
    private final ByteArrayOutputStream lengthField = new ByteArrayOutputStream();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private final ByteArrayOutputStream check = new ByteArrayOutputStream();
    private final ByteArrayOutputStream noise = new ByteArrayOutputStream();
    private int expectedLength = -1;
    private int endMatched;
    /** A DLE was read inside the frame and the byte after it decides what it was. */
    private boolean afterDle;
    private byte[] lastFrame;
    private long lastFrameAt;
    /** When the bytes being read arrived. */
    private long now;

    public FrameReader(FrameFormat format) {
        this.format = Objects.requireNonNull(format);
        // the sender repeats after its ACK timeout; a slow line adds the frame's own transmission time
        long timeout = format.handshake().map(h -> h.timeout().toNanos()).orElse(-1L);
        this.repeatAfterNanos = timeout < 0 ? Long.MAX_VALUE : timeout * 9 / 10;
        this.repeatBeforeNanos = timeout < 0 ? Long.MIN_VALUE : timeout * 2;
    }

    /** Feeds bytes as they arrived at {@code nanoTime}; returns the events they completed, in order. */
    public List<Event> accept(byte[] bytes, long nanoTime) {
        List<Event> events = new ArrayList<>();
        now = nanoTime;
        for (byte b : bytes) {
            step(b, events);
        }
        flushNoise(events);
        return events;
    }

    /** The receiver sent a frame of its own: what arrives next is never a repeat of what came before. */
    public void sentFrame() {
        lastFrame = null;
    }

    /** Bytes of a frame begun but not finished: for showing what is in flight. */
    public byte[] pending() {
        return raw.toByteArray();
    }

    private void step(byte b, List<Event> events) {
        if (state != State.HUNT) {
            raw.write(b);
            if (raw.size() > MAX_FRAME) {
                fail("longer than " + MAX_FRAME + " bytes without an end marker", events);
                return;
            }
        }
        switch (state) {
            case HUNT -> hunt(b, events);
            case LENGTH -> {
                Integer v = unescape(b, events);
                if (v == null) {
                    return;
                }
                lengthField.write(v);
                if (lengthField.size() == format.lengthSize()) {
                    expectedLength = format.lengthValue(lengthField.toByteArray());
                    state = expectedLength == 0 ? State.END : State.DATA;
                }
            }
            case DATA -> data(b, events);
            case END -> {
                byte[] end = format.end();
                if (b != end[endMatched]) {
                    fail("the end marker " + FrameFormat.hexText(end) + " is missing after " + expectedLength
                            + " data bytes", events);
                    return;
                }
                if (++endMatched == end.length) {
                    state = format.check().size == 0 ? State.HUNT : State.CHECK;
                    if (state == State.HUNT) {
                        complete(events);
                    }
                }
            }
            case CHECK -> {
                check.write(b);
                if (check.size() == format.check().size) {
                    complete(events);
                }
            }
        }
    }

    private void hunt(byte b, List<Event> events) {
        byte[] start = format.start();
        if (b == start[startMatched]) {
            startMatched++;
            if (startMatched == start.length) {
                flushNoise(events);
                begin();
                raw.writeBytes(start);
            }
            return;
        }
        if (startMatched > 0) {
            noise.write(start, 0, startMatched);
            startMatched = 0;
            hunt(b, events);
            return;
        }
        if (b == FrameFormat.ACK || b == FrameFormat.NAK) {
            flushNoise(events);
            events.add(b == FrameFormat.ACK ? new Event.Ack() : new Event.Nak());
            return;
        }
        noise.write(b);
    }

    private void begin() {
        startMatched = 0;
        raw.reset();
        lengthField.reset();
        data.reset();
        check.reset();
        endMatched = 0;
        afterDle = false;
        expectedLength = -1;
        state = format.lengthSize() > 0 ? State.LENGTH : State.DATA;
    }

    private void data(byte b, List<Event> events) {
        if (expectedLength >= 0) {
            Integer v = unescape(b, events);
            if (v == null) {
                return;
            }
            data.write(v);
            if (data.size() == expectedLength) {
                state = State.END;
            }
            return;
        }
        byte[] start = format.start();
        byte[] end = format.end();
        if (format.dleEscaping()) {
            // markers are DLE x; inside the data a DLE is always doubled, so DLE x is a marker
            if (!afterDle) {
                if (b == FrameFormat.DLE) {
                    afterDle = true;
                } else {
                    data.write(b);
                }
                return;
            }
            afterDle = false;
            if (b == FrameFormat.DLE) {
                data.write(b);
            } else if (b == end[1]) {
                state = format.check().size == 0 ? State.HUNT : State.CHECK;
                if (state == State.HUNT) {
                    complete(events);
                }
            } else if (b == start[1]) {
                restart(events);
            } else {
                fail("DLE followed by " + FrameFormat.hexText(new byte[] {b}) + " inside the data", events);
            }
            return;
        }
        data.write(b);
        byte[] d = data.toByteArray();
        if (endsWith(d, end)) {
            data.reset();
            data.write(d, 0, d.length - end.length);
            state = format.check().size == 0 ? State.HUNT : State.CHECK;
            if (state == State.HUNT) {
                complete(events);
            }
        } else if (endsWith(d, start)) {
            restart(events);
        }
    }

    /** With DLE escaping: the byte, once its DLE pair is complete; null while it is not, or when it broke the frame. */
    private Integer unescape(byte b, List<Event> events) {
        if (!format.dleEscaping()) {
            return b & 0xFF;
        }
        if (!afterDle) {
            if (b == FrameFormat.DLE) {
                afterDle = true;
                return null;
            }
            return b & 0xFF;
        }
        afterDle = false;
        if (b == FrameFormat.DLE) {
            return b & 0xFF;
        }
        fail("DLE followed by " + FrameFormat.hexText(new byte[] {b}) + " where a data byte belongs", events);
        return null;
    }

    /** A start marker inside a frame: the sender gave the frame up and began another. */
    private void restart(List<Event> events) {
        byte[] start = format.start();
        byte[] sofar = raw.toByteArray();
        events.add(new Event.Corrupt(Arrays.copyOf(sofar, sofar.length - start.length),
                "a new frame began before this one ended"));
        begin();
        raw.writeBytes(start);
    }

    private void complete(List<Event> events) {
        byte[] d = data.toByteArray();
        byte[] expected = format.checkValue(lengthField.toByteArray(), d);
        byte[] got = check.toByteArray();
        byte[] frame = raw.toByteArray();
        state = State.HUNT;
        if (!Arrays.equals(expected, got)) {
            events.add(new Event.Corrupt(frame, format.check().name().replace('_', '-') + " " + FrameFormat.hexText(got)
                    + ", expected " + FrameFormat.hexText(expected)));
            raw.reset();
            return;
        }
        long gap = now - lastFrameAt;
        boolean repeat = lastFrame != null && Arrays.equals(lastFrame, frame) && gap >= repeatAfterNanos
                && gap <= repeatBeforeNanos;
        lastFrame = frame;
        lastFrameAt = now;
        events.add(new Event.Frame(d, frame, repeat));
        raw.reset();
    }

    private void fail(String why, List<Event> events) {
        events.add(new Event.Corrupt(raw.toByteArray(), why));
        raw.reset();
        state = State.HUNT;
        startMatched = 0;
    }

    private void flushNoise(List<Event> events) {
        if (noise.size() > 0) {
            events.add(new Event.Noise(noise.toByteArray()));
            noise.reset();
        }
    }

    private static boolean endsWith(byte[] bytes, byte[] suffix) {
        if (bytes.length < suffix.length) {
            return false;
        }
        return Arrays.equals(bytes, bytes.length - suffix.length, bytes.length, suffix, 0, suffix.length);
    }
}
