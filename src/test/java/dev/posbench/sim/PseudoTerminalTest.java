package dev.posbench.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.terminal.Cursor;
import dev.posbench.terminal.SerialLink;
import dev.posbench.terminal.TerminalProfile;
import dev.posbench.terminal.Transcript;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PseudoTerminalTest {

    private static final TerminalProfile.Serial LINE =
            new TerminalProfile.Serial(115200, 8, TerminalProfile.Parity.NONE, 1, StandardCharsets.UTF_8);
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void slaveIsARealDevice() {
        try (PseudoTerminal pty = PseudoTerminal.open()) {
            assertTrue(pty.devicePath().toString().startsWith("/dev/pts/"), pty.devicePath().toString());
            assertTrue(Files.exists(pty.devicePath()));
        }
    }

    @Test
    void everyByteValueCrossesUnchangedBothWaysAndNothingEchoes() throws Exception {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        try (PseudoTerminal pty = PseudoTerminal.open();
                SerialLink link = SerialLink.open(pty.devicePath().toString(), LINE)) {
            Transcript t = link.transcript();

            // bench -> terminal: no CR/NL translation, no signal characters eaten
            link.send(all);
            assertArrayEquals(all, readExactly(pty.terminalIn(), all.length));

            // terminal -> bench, then a marker line: an echo of what the bench sent would arrive before it
            Cursor c = t.cursorAtEnd();
            pty.terminalOut().write(all);
            pty.terminalOut().write("\nEND\n".getBytes(StandardCharsets.US_ASCII));
            t.await(c, Pattern.compile("^END$"), WAIT, "END marker");

            ByteArrayOutputStream fromTerminal = new ByteArrayOutputStream();
            for (Transcript.Chunk ch : t.chunksSince(Transcript.Mark.START)) {
                if (ch.direction() == Transcript.Direction.FROM_TERMINAL) {
                    fromTerminal.write(ch.bytes());
                }
            }
            byte[] expected = Arrays.copyOf(all, all.length + 5);
            System.arraycopy("\nEND\n".getBytes(StandardCharsets.US_ASCII), 0, expected, all.length, 5);
            assertArrayEquals(expected, fromTerminal.toByteArray());
        }
    }

    @Test
    void closeWakesABlockedReaderAtOnce() throws Exception {
        PseudoTerminal pty = PseudoTerminal.open();
        CompletableFuture<Long> returned = new CompletableFuture<>();
        AtomicInteger result = new AtomicInteger(42);
        Thread reader = Thread.ofPlatform().name("pty-reader").start(() -> {
            try {
                result.set(pty.terminalIn().read(new byte[16]));
                returned.complete(System.nanoTime());
            } catch (IOException e) {
                returned.completeExceptionally(e);
            }
        });
        awaitInNativePoll(reader);

        long closedAt = System.nanoTime();
        pty.close();
        long wokeAt = returned.get(5, TimeUnit.SECONDS);

        assertEquals(-1, result.get(), "read after close must report end of stream");
        // The poll slice is 500 ms: only the wake pipe can make it this quick.
        assertTrue(TimeUnit.NANOSECONDS.toMillis(wokeAt - closedAt) < 300,
                "reader took " + TimeUnit.NANOSECONDS.toMillis(wokeAt - closedAt) + " ms to wake");

        pty.close(); // idempotent
        assertEquals(-1, pty.terminalIn().read());
        assertThrows(IOException.class, () -> pty.terminalOut().write(1));
    }

    @Test
    void readerNeitherSpinsNorEndsWhileNoBenchIsAttached() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (PseudoTerminal pty = PseudoTerminal.open()) {
            CountDownLatch got = new CountDownLatch(1);
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            AtomicInteger lastRead = new AtomicInteger();
            Thread reader = Thread.ofPlatform().name("pty-reader").start(() -> {
                byte[] buf = new byte[64];
                try {
                    int n;
                    while ((n = pty.terminalIn().read(buf)) > 0) {
                        synchronized (received) {
                            received.write(buf, 0, n);
                            if (received.toString(StandardCharsets.US_ASCII).contains("PING")) {
                                got.countDown();
                            }
                        }
                    }
                    lastRead.set(n);
                } catch (IOException e) {
                    lastRead.set(-99);
                }
            });
            awaitInNativePoll(reader);

            // the bench attaches and detaches: on Linux that leaves the master hung up unless a slave stays open
            try (SerialLink link = SerialLink.open(pty.devicePath().toString(), LINE)) {
                assertTrue(link.transcript().linesSince(Transcript.Mark.START).isEmpty());
            }

            long cpuBefore = mx.getThreadCpuTime(reader.threadId());
            // The measuring window: time must pass for spinning to show.
            Thread.sleep(1_500);
            long cpuMs = TimeUnit.NANOSECONDS.toMillis(mx.getThreadCpuTime(reader.threadId()) - cpuBefore);
            // A healthy reader wakes three times in this window and uses about 1 ms.
            assertTrue(cpuMs < 100, "terminal-side reader used " + cpuMs + " ms CPU in 1.5 s with no bench attached");
            assertTrue(reader.isAlive(), "the stream must not end while no bench is attached (last read " + lastRead + ")");

            // and the bench can attach again and be heard
            try (SerialLink link = SerialLink.open(pty.devicePath().toString(), LINE)) {
                link.send("PING\n");
                assertTrue(got.await(5, TimeUnit.SECONDS), "terminal did not receive what the re-attached bench sent");
            }
        }
    }

    @Test
    void terminalNeverHangsWritingWhileNobodyReads() throws Exception {
        try (PseudoTerminal pty = PseudoTerminal.open()) {
            byte[] screenful = "PRESENT CARD\r\n".repeat(2_500).getBytes(StandardCharsets.US_ASCII); // 35 KB, twice what a pty holds unread
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> pty.terminalOut().write(screenful),
                    "a terminal writing with no bench attached must not block forever");

            try (SerialLink link = SerialLink.open(pty.devicePath().toString(), LINE)) {
                Transcript t = link.transcript();
                Cursor c = t.cursorAtEnd();
                pty.terminalOut().write("HELLO BENCH\r\n".getBytes(StandardCharsets.US_ASCII));
                Transcript.Line l = t.await(c, Pattern.compile("HELLO BENCH"), WAIT, "HELLO BENCH");
                assertEquals("HELLO BENCH", l.text());
            }
        }
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            int r = in.read(out, got, n - got);
            assertFalse(r < 0, "stream ended after " + got + " bytes");
            got += r;
        }
        return out;
    }

    /** Waits until the thread sits inside the pty's poll; there is no event for "a thread blocked". */
    private static void awaitInNativePoll(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            for (StackTraceElement e : t.getStackTrace()) {
                if (e.getMethodName().equals("pollMaster")) {
                    return;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("reader never reached poll");
    }
}
