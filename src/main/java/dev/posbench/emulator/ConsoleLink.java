package dev.posbench.emulator;

import dev.posbench.channel.FrameFormat;
import dev.posbench.channel.FrameReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal's side of its serial port, as its profile describes it: a plain-text console (CR LF
 * lines) or a framed ECR protocol. The firmware sends messages through it and the serial reader
 * hands it the bytes the ECR sent; neither knows how they are cut.
 */
sealed interface ConsoleLink {

    /** Sends one message (a line's text, without its line end); called from the firmware's loop only. */
    void send(String message) throws IOException;

    /** Reads the ECR's messages until the stream ends, handing each command line to {@code commands}. */
    void read(InputStream in, Consumer<String> commands) throws IOException;

    /** Today's console: UTF-8 lines ending CR LF. */
    record Lines(OutputStream out) implements ConsoleLink {
        @Override
        public void send(String message) throws IOException {
            out.write((message + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void read(InputStream in, Consumer<String> commands) throws IOException {
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null) {
                commands.accept(line);
            }
        }
    }

    /**
     * An ECR protocol: every message a frame of {@code format}, UTF-8 inside. With the handshake the
     * terminal answers every frame ACK or NAK, and sends its own again after a NAK or a silent
     * timer, as often as the protocol repeats.
     */
    final class Frames implements ConsoleLink {

        private static final Logger LOG = LoggerFactory.getLogger(Frames.class);

        private final FrameFormat format;
        private final OutputStream out;
        private final BlockingQueue<Boolean> answers = new LinkedBlockingQueue<>();
        /** Fed by the serial reader thread only; told by the loop when a frame of ours went out. */
        private final FrameReader reader;

        Frames(FrameFormat format, OutputStream out) {
            this.format = format;
            this.out = out;
            this.reader = new FrameReader(format);
        }

        @Override
        public void send(String message) throws IOException {
            byte[] frame = format.encode(message.getBytes(StandardCharsets.UTF_8));
            synchronized (reader) {
                reader.sentFrame();
            }
            if (format.handshake().isEmpty()) {
                write(frame);
                return;
            }
            FrameFormat.Handshake h = format.handshake().get();
            answers.clear();
            for (int attempt = 0; attempt <= h.retries(); attempt++) {
                write(frame);
                Boolean ack;
                try {
                    ack = answers.poll(h.timeout().toNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted waiting for the ECR's ACK", e);
                }
                if (Boolean.TRUE.equals(ack)) {
                    return;
                }
            }
            // the ECR missed it: a real terminal goes on with the transaction all the same
            LOG.warn("the ECR did not acknowledge a message after {} attempts", h.retries() + 1);
        }

        @Override
        public void read(InputStream in, Consumer<String> commands) throws IOException {
            boolean handshake = format.handshake().isPresent();
            byte[] buffer = new byte[512];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                byte[] bytes = java.util.Arrays.copyOf(buffer, n);
                List<FrameReader.Event> events;
                synchronized (reader) {
                    events = reader.accept(bytes, System.nanoTime());
                }
                for (FrameReader.Event e : events) {
                    switch (e) {
                        case FrameReader.Event.Frame f -> {
                            if (handshake) {
                                write(new byte[] {FrameFormat.ACK});
                            }
                            if (!f.repeat()) {
                                commands.accept(new String(f.data(), StandardCharsets.UTF_8));
                            }
                        }
                        case FrameReader.Event.Corrupt c -> {
                            LOG.debug("refused a frame from the ECR: {}", c.why());
                            if (handshake) {
                                write(new byte[] {FrameFormat.NAK});
                            }
                        }
                        case FrameReader.Event.Ack a -> answers.add(true);
                        case FrameReader.Event.Nak k -> answers.add(false);
                        case FrameReader.Event.Noise x -> LOG.debug("{} bytes outside any frame", x.bytes().length);
                    }
                }
            }
        }

        /** Frames from the loop and ACKs from the reader share the port: one write at a time. */
        private void write(byte[] bytes) throws IOException {
            synchronized (out) {
                out.write(bytes);
                out.flush();
            }
        }
    }
}
