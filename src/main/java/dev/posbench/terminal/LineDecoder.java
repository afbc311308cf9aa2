package dev.posbench.terminal;

import dev.posbench.channel.FrameFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A text console: one message per line. Lines are split on {@code \n}; trailing {@code \r} are
 * dropped (CR LF endings), a {@code \r} inside a line is kept (terminals use it to redraw). Each
 * line is decoded on its own with the profile's charset once its newline has arrived, so a
 * multi-byte character that the wire split across chunks decodes whole (in UTF-8 and GB18030 the
 * byte 0x0A never occurs inside a character).
 */
public final class LineDecoder implements LinkDecoder {

    private final Charset charset;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    public LineDecoder(Charset charset) {
        this.charset = Objects.requireNonNull(charset);
    }

    @Override
    public List<Decoded> received(byte[] bytes, long nanoTime) {
        List<Decoded> out = new ArrayList<>();
        for (byte b : bytes) {
            if (b == '\n') {
                byte[] raw = partial.toByteArray();
                int end = raw.length;
                while (end > 0 && raw[end - 1] == '\r') {
                    end--;
                }
                out.add(new Decoded.Message(new String(raw, 0, end, charset), ""));
                partial.reset();
            } else {
                partial.write(b);
            }
        }
        return out;
    }

    @Override
    public byte[] encode(String command) {
        return command.getBytes(charset);
    }

    @Override
    public Optional<String> pending() {
        return partial.size() == 0 ? Optional.empty() : Optional.of(partial.toString(charset) + "  (no newline yet)");
    }

    @Override
    public String showSent(byte[] bytes) {
        return new String(bytes, charset);
    }

    @Override
    public Optional<FrameFormat.Handshake> handshake() {
        return Optional.empty();
    }
}
