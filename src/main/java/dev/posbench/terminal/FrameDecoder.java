package dev.posbench.terminal;

import dev.posbench.channel.FrameFormat;
import dev.posbench.channel.FrameReader;
import dev.posbench.channel.FrameReader.Event;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A framed ECR protocol ({@link FrameFormat}): one message per frame, its data decoded with the
 * profile's charset. A good frame is answered ACK, a corrupt one NAK (when the protocol has the
 * handshake); a repeat of the last frame is acknowledged again but not taken twice. Commands go
 * out framed; the link waits for their ACK.
 */
public final class FrameDecoder implements LinkDecoder {

    private static final byte[] ACK = {FrameFormat.ACK};
    private static final byte[] NAK = {FrameFormat.NAK};

    private final FrameFormat format;
    private final Charset charset;
    private final FrameReader reader;

    public FrameDecoder(FrameFormat format, Charset charset) {
        this.format = Objects.requireNonNull(format);
        this.charset = Objects.requireNonNull(charset);
        this.reader = new FrameReader(format);
    }

    public FrameFormat format() {
        return format;
    }

    @Override
    public List<Decoded> received(byte[] bytes, long nanoTime) {
        List<Decoded> out = new ArrayList<>();
        boolean handshake = format.handshake().isPresent();
        for (Event e : reader.accept(bytes, nanoTime)) {
            switch (e) {
                case Event.Frame f when f.repeat() -> {
                    out.add(new Decoded.Repeat(showFrame(f.raw())));
                    if (handshake) {
                        out.add(new Decoded.Reply(ACK, "ACK"));
                    }
                }
                case Event.Frame f -> {
                    if (handshake) {
                        out.add(new Decoded.Reply(ACK, "ACK"));
                    }
                    out.add(new Decoded.Message(new String(f.data(), charset), showFrame(f.raw())));
                }
                case Event.Corrupt c -> {
                    out.add(new Decoded.Refused(showFrame(c.raw()), c.why()));
                    if (handshake) {
                        out.add(new Decoded.Reply(NAK, "NAK"));
                    }
                }
                case Event.Ack a -> out.add(new Decoded.Answered(true));
                case Event.Nak n -> out.add(new Decoded.Answered(false));
                case Event.Noise n -> out.add(new Decoded.Refused(show(n.bytes()), "bytes outside any frame"));
            }
        }
        return out;
    }

    @Override
    public byte[] encode(String command) {
        reader.sentFrame();
        return format.encode(command.getBytes(charset));
    }

    @Override
    public Optional<String> pending() {
        byte[] p = reader.pending();
        return p.length == 0 ? Optional.empty() : Optional.of(show(p) + "  (frame not complete yet)");
    }

    @Override
    public String showSent(byte[] bytes) {
        if (bytes.length == 1 && bytes[0] == FrameFormat.ACK) {
            return "ACK";
        }
        if (bytes.length == 1 && bytes[0] == FrameFormat.NAK) {
            return "NAK";
        }
        return showFrame(bytes);
    }

    @Override
    public Optional<FrameFormat.Handshake> handshake() {
        return format.handshake();
    }

    /**
     * A frame for people: its markers, length and check in hex, its data as {@link #show} does, e.g.
     * {@code [02] SALE 1200 [03 5A]}; a check byte that happens to be printable stays hex.
     */
    String showFrame(byte[] raw) {
        byte[] start = format.start();
        int head = start.length + format.lengthSize();
        int tail = format.end().length + format.checkSize();
        if (raw.length < head + tail || !java.util.Arrays.equals(raw, 0, start.length, start, 0, start.length)) {
            return show(raw);
        }
        HexFormat hex = HexFormat.ofDelimiter(" ").withUpperCase();
        return "[" + hex.formatHex(raw, 0, head) + "]" + show(java.util.Arrays.copyOfRange(raw, head, raw.length - tail))
                + "[" + hex.formatHex(raw, raw.length - tail, raw.length) + "]";
    }

    /**
     * Raw bytes for people: runs of printable text as text (the transcript masks PANs in it),
     * everything else in hex, e.g. {@code [02] SALE 1200 [03 5A]}.
     */
    String show(byte[] raw) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < raw.length) {
            int j = i;
            while (j < raw.length && printable(raw[j])) {
                j++;
            }
            if (j > i) {
                out.append(new String(raw, i, j - i, charset));
                i = j;
                continue;
            }
            while (j < raw.length && !printable(raw[j])) {
                j++;
            }
            out.append('[').append(HexFormat.ofDelimiter(" ").withUpperCase().formatHex(raw, i, j)).append(']');
            i = j;
        }
        return out.toString();
    }

    /** Text bytes: ASCII printables and the bytes of multi-byte characters (0x80 and up). */
    private static boolean printable(byte b) {
        int v = b & 0xFF;
        return (v >= 0x20 && v < 0x7F) || v >= 0x80;
    }
}
