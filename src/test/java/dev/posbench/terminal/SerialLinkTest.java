package dev.posbench.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.BadInputException;
import dev.posbench.sim.PseudoTerminal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The link over a real pseudo-terminal, opened by jSerialComm as a rig's adapter would be. */
// alone: one test watches every jSerialComm thread of the JVM, and concurrent runs of the suite have theirs
@org.junit.jupiter.api.parallel.Isolated
class SerialLinkTest {

    private static final TerminalProfile.Serial LINE =
            new TerminalProfile.Serial(115200, 8, TerminalProfile.Parity.NONE, 1, StandardCharsets.UTF_8);
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void linesFromTheTerminalAndBytesToItCrossThePty() throws Exception {
        try (PseudoTerminal pty = PseudoTerminal.open();
                SerialLink link = SerialLink.open(pty.devicePath().toString(), LINE)) {
            assertEquals(pty.devicePath().toString(), link.device());
            Transcript t = link.transcript();
            Cursor c = t.cursorAtEnd();

            pty.terminalOut().write("ENTER PIN\r\nINCORRECT PIN\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ENTER PIN", t.await(c, Pattern.compile("ENTER PIN"), WAIT, "ENTER_PIN").text());
            assertEquals("INCORRECT PIN", t.await(c, Pattern.compile("INCORRECT"), WAIT, "INCORRECT_PIN").text());

            link.send("SALE 1000\r\n");
            assertEquals("SALE 1000\r\n", readLine(pty.terminalIn()));

            List<Transcript.Chunk> sent = t.chunksSince(Transcript.Mark.START).stream()
                    .filter(ch -> ch.direction() == Transcript.Direction.TO_TERMINAL).toList();
            assertEquals(1, sent.size());
            assertEquals("SALE 1000\r\n", new String(sent.getFirst().bytes(), StandardCharsets.UTF_8));
            String r = t.render(Transcript.Mark.START);
            assertTrue(r.indexOf("<- INCORRECT PIN") < r.indexOf("-> SALE 1000\\r\\n"), r);
        }
    }

    @Test
    void chineseTextWrittenInPiecesDecodesWhole() throws Exception {
        try (PseudoTerminal pty = PseudoTerminal.open();
                SerialLink link = SerialLink.open(pty.devicePath().toString(), LINE)) {
            Transcript t = link.transcript();
            Cursor c = t.cursorAtEnd();
            byte[] text = "密码错,请重试\r\n".getBytes(StandardCharsets.UTF_8);
            OutputStream out = pty.terminalOut();
            // Split inside characters: 密 is 3 bytes, so byte 1 and byte 4 are both mid-character.
            out.write(text, 0, 1);
            out.flush();
            out.write(text, 1, 3);
            out.flush();
            out.write(text, 4, text.length - 4);
            Transcript.Line l = t.await(c, Pattern.compile("密码错"), WAIT, "INCORRECT_PIN (/密码错/)");
            assertEquals("密码错,请重试", l.text());
        }
    }

    @Test
    void aLineWrittenAfterTheWaitBeganEndsIt() throws Exception {
        try (PseudoTerminal pty = PseudoTerminal.open();
                SerialLink link = SerialLink.open(pty.devicePath().toString(), LINE)) {
            Transcript t = link.transcript();
            Cursor c = t.cursorAtEnd();
            CompletableFuture<Transcript.Line> found = new CompletableFuture<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    found.complete(t.await(c, Pattern.compile("APPROVED"), Duration.ofSeconds(30), "APPROVED"));
                } catch (Throwable e) {
                    found.completeExceptionally(e);
                }
            });
            TranscriptTest.awaitParked(waiter);
            pty.terminalOut().write("APPROVED 00\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("APPROVED 00", found.get(5, TimeUnit.SECONDS).text());
        }
    }

    @Test
    void aSecondOpenOfTheSamePortIsBusy() {
        try (PseudoTerminal pty = PseudoTerminal.open();
                SerialLink first = SerialLink.open(pty.devicePath().toString(), LINE)) {
            BadInputException e = assertThrows(BadInputException.class,
                    () -> SerialLink.open(pty.devicePath().toString(), LINE));
            assertTrue(e.getMessage().contains("busy"), e.getMessage());
            assertEquals(pty.devicePath().toString(), e.where());

            // the refused open left the first link working
            Transcript t = first.transcript();
            Cursor c = t.cursorAtEnd();
            pty.terminalOut().write("STILL HERE\n".getBytes(StandardCharsets.US_ASCII));
            t.await(c, Pattern.compile("STILL HERE"), WAIT, "STILL HERE");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aPortHeldByAnotherProcessIsBusyUntilItLetsGo() throws Exception {
        try (PseudoTerminal pty = PseudoTerminal.open()) {
            String device = pty.devicePath().toString();
            Process holder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"),
                    PortHolder.class.getName(), device)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                var said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("holding", said.readLine());

                BadInputException e = assertThrows(BadInputException.class, () -> SerialLink.open(device, LINE));
                assertTrue(e.getMessage().contains("busy"), e.getMessage());
                assertTrue(e.getMessage().contains("error 11"), "EWOULDBLOCK from the exclusive lock: " + e.getMessage());
            } finally {
                holder.getOutputStream().close();
                assertTrue(holder.waitFor(10, TimeUnit.SECONDS), "holder did not let go");
            }
            try (SerialLink link = SerialLink.open(device, LINE)) {
                Transcript t = link.transcript();
                Cursor c = t.cursorAtEnd();
                pty.terminalOut().write("MINE NOW\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("MINE NOW", t.await(c, Pattern.compile("MINE"), WAIT, "MINE NOW").text());
            }
        }
    }

    @Test
    void aFileThatIsNoSerialPortIsNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path notAPort = java.nio.file.Files.writeString(dir.resolve("ttyFAKE"), "x");
        BadInputException e = assertThrows(BadInputException.class, () -> SerialLink.open(notAPort.toString(), LINE));
        assertEquals(notAPort.toString(), e.where());
        assertTrue(e.getMessage().contains("not a serial port"), e.getMessage());
    }

    @Test
    void aMissingDeviceIsNamed() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> SerialLink.open("/dev/ttyUSB-posbench-none", LINE));
        assertEquals("/dev/ttyUSB-posbench-none", e.where());
        assertTrue(e.getMessage().contains("no such serial device"), e.getMessage());
    }

    @Test
    void whenTheFarEndGoesAwayWaitsStopAndNothingSpins() throws Exception {
        PseudoTerminal pty = PseudoTerminal.open();
        SerialLink link = SerialLink.open(pty.devicePath().toString(), LINE);
        try {
            Transcript t = link.transcript();
            Cursor c = t.cursorAtEnd();
            // A thread just started may show no frames yet; there is no event for "it is running".
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (jSerialCommThreads().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertFalse(jSerialCommThreads().isEmpty(), "the listener's event thread should be running");
            pty.close();

            dev.posbench.RigFaultException e = assertThrows(dev.posbench.RigFaultException.class,
                    () -> t.await(c, Pattern.compile("APPROVED"), Duration.ofSeconds(30), "APPROVED"));
            assertTrue(e.getMessage().contains("ended"), e.getMessage());

            // Watch jSerialComm's own event thread: it is what spins if the port stays open after a hang-up.
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            List<Thread> eventThreads = jSerialCommThreads();
            long before = eventThreads.stream().mapToLong(th -> Math.max(0, mx.getThreadCpuTime(th.threadId()))).sum();
            // The measuring window: a spinning thread shows as CPU time.
            Thread.sleep(1_000);
            long cpuMs = TimeUnit.NANOSECONDS.toMillis(eventThreads.stream()
                    .mapToLong(th -> Math.max(0, mx.getThreadCpuTime(th.threadId()))).sum() - before);
            assertTrue(cpuMs < 100, "jSerialComm's threads used " + cpuMs + " ms CPU in 1 s after the device went away");
            for (Thread th : eventThreads) {
                th.join(5_000);
                assertFalse(th.isAlive(), "jSerialComm's event thread outlived the port: " + th.getName());
            }

            UncheckedIOException x = assertThrows(UncheckedIOException.class, () -> link.send("SALE 1\r\n"));
            assertTrue(x.getMessage().contains(pty.devicePath().toString()), x.getMessage());
        } finally {
            link.close();
            link.close();
        }
    }

    @Test
    void closeIsIdempotentAndFreesThePort() throws Exception {
        try (PseudoTerminal pty = PseudoTerminal.open()) {
            SerialLink link = SerialLink.open(pty.devicePath().toString(), LINE);
            link.close();
            link.close();
            assertThrows(UncheckedIOException.class, () -> link.send(new byte[] {1}));
            try (SerialLink again = SerialLink.open(pty.devicePath().toString(), LINE)) {
                Transcript t = again.transcript();
                Cursor c = t.cursorAtEnd();
                pty.terminalOut().write("AGAIN\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("AGAIN", t.await(c, Pattern.compile("AGAIN"), WAIT, "AGAIN").text());
            }
        }
    }

    private static List<Thread> jSerialCommThreads() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey() != Thread.currentThread())
                .filter(e -> java.util.Arrays.stream(e.getValue())
                        .anyMatch(f -> f.getClassName().startsWith("com.fazecast.jSerialComm")))
                .map(java.util.Map.Entry::getKey)
                .toList();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            s.append((char) b);
            if (b == '\n') {
                break;
            }
        }
        return s.toString();
    }
}
