package dev.posbench.emulator;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The ECR's end of the terminal's serial line: piped streams, with a queue of the lines received. */
final class SerialConsole implements AutoCloseable {

    static final long WAIT_SECONDS = 15;

    private final PipedOutputStream toTerminal = new PipedOutputStream();
    private final PipedInputStream terminalIn;
    private final PipedInputStream fromTerminal = new PipedInputStream(1 << 16);
    private final PipedOutputStream terminalOut;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> transcript = new ArrayList<>();
    private final Thread reader;

    SerialConsole() {
        try {
            terminalIn = new PipedInputStream(toTerminal, 1 << 16);
            terminalOut = new PipedOutputStream(fromTerminal);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reader = Thread.ofPlatform().daemon().name("test-serial-reader").start(this::read);
    }

    InputStream terminalIn() {
        return terminalIn;
    }

    OutputStream terminalOut() {
        return terminalOut;
    }

    void send(String line) {
        try {
            toTerminal.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            toTerminal.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next line the terminal sends, whatever it is. */
    String next() {
        return await(line -> true, "any line");
    }

    /** Skips lines up to the display whose English part is exactly {@code english}, and returns it. */
    String awaitDisplay(String english) {
        return await(line -> line.startsWith("DISP ") && line.endsWith(" / " + english), "DISP ... / " + english);
    }

    /** Skips lines up to one equal to {@code text}. */
    String awaitLine(String text) {
        return await(text::equals, text);
    }

    String await(Predicate<String> wanted, String description) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            String line;
            try {
                line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            assertNotNull(line, () -> "expected \"" + description + "\" on the serial line within " + WAIT_SECONDS
                    + " s; the terminal sent:\n" + transcript());
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    String transcript() {
        synchronized (transcript) {
            return String.join("\n", transcript);
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fromTerminal, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (transcript) {
                    transcript.add(line);
                }
                lines.add(line);
            }
        } catch (IOException e) {
            // the terminal closed its end
        }
    }

    @Override
    public void close() {
        try {
            toTerminal.close();
            fromTerminal.close();
        } catch (IOException e) {
            // nothing to do at the end of a test
        }
        reader.interrupt();
    }
}
