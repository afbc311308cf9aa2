package dev.posbench.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The transcript alone, fed the way the link feeds it, so chunk boundaries are exactly as chosen. */
class TranscriptTest {

    private static final String PAN = "6228480402564890018";
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static void feed(Transcript t, byte[]... chunks) {
        for (byte[] c : chunks) {
            t.received(Instant.now(), c);
        }
    }

    private static byte[][] splitEveryByte(byte[] bytes) {
        byte[][] out = new byte[bytes.length][];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = new byte[] {bytes[i]};
        }
        return out;
    }

    @Test
    void multiByteCharactersSplitAcrossChunksDecodeWhole() {
        for (Charset cs : List.of(StandardCharsets.UTF_8, Charset.forName("GB18030"))) {
            Transcript t = new Transcript(cs);
            feed(t, splitEveryByte("交易成功\r\n密码错\n".getBytes(cs)));
            List<Transcript.Line> lines = t.linesSince(Transcript.Mark.START);
            assertEquals(List.of("交易成功", "密码错"), lines.stream().map(Transcript.Line::text).toList(), cs.name());
        }
    }

    @Test
    void aLineWaitsForItsNewlineAndIndexesCount() {
        Transcript t = new Transcript(StandardCharsets.UTF_8);
        feed(t, "ENTER ".getBytes(StandardCharsets.UTF_8));
        assertTrue(t.linesSince(Transcript.Mark.START).isEmpty(), "a partial line is not a line yet");
        assertTrue(t.render(Transcript.Mark.START).contains("ENTER   (no newline yet)"));
        feed(t, "PIN\r\n\r\nA\rB\n".getBytes(StandardCharsets.UTF_8));
        List<Transcript.Line> lines = t.linesSince(Transcript.Mark.START);
        assertEquals(List.of("ENTER PIN", "", "A\rB"), lines.stream().map(Transcript.Line::text).toList());
        assertEquals(List.of(0, 1, 2), lines.stream().map(Transcript.Line::index).toList());
        assertEquals(new Transcript.Mark(3, 2), t.mark());
    }

    @Test
    void awaitSeesALineAlreadyThereAndMovesTheCursorPastIt() {
        Transcript t = new Transcript(StandardCharsets.UTF_8);
        Cursor c = t.cursorAtEnd();
        feed(t, "PRESENT CARD\nENTER PIN\nPRESENT CARD\n".getBytes(StandardCharsets.UTF_8));
        Pattern present = Pattern.compile("PRESENT");
        assertEquals(0, t.await(c, present, WAIT, "PRESENT_CARD").index());
        assertEquals(2, t.await(c, present, WAIT, "PRESENT_CARD").index(), "the same line must not match twice");
    }

    @Test
    void awaitEndsWhenALineArrivesFromAnotherThread() throws Exception {
        Transcript t = new Transcript(StandardCharsets.UTF_8);
        feed(t, "APPROVED\n".getBytes(StandardCharsets.UTF_8)); // before the cursor: must not count
        Cursor c = t.cursorAtEnd();
        CompletableFuture<Transcript.Line> found = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                found.complete(t.await(c, Pattern.compile("APPROVED"), Duration.ofSeconds(30), "APPROVED"));
            } catch (Throwable e) {
                found.completeExceptionally(e);
            }
        });
        awaitParked(waiter);
        assertFalse(found.isDone(), "a line before the cursor matched");

        long sentAt = System.nanoTime();
        feed(t, "PROCESSING\nAPPROVED 00\n".getBytes(StandardCharsets.UTF_8));
        Transcript.Line l = found.get(5, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);

        assertEquals("APPROVED 00", l.text());
        assertEquals(2, l.index());
        assertTrue(ms < 1_000, "event-driven wait took " + ms + " ms to see its line");
    }

    @Test
    void timeoutSaysWhatWasExpectedAndQuotesTheLastEightLinesMasked() {
        Transcript t = new Transcript(StandardCharsets.UTF_8);
        for (int i = 1; i <= 10; i++) {
            feed(t, ("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
        }
        feed(t, ("CARD " + PAN + "\n").getBytes(StandardCharsets.UTF_8));
        String expected = "INCORRECT_PIN (bench-config/terminals/reference.yaml outcomes.INCORRECT_PIN: /INCORRECT PIN/)";

        long start = System.nanoTime();
        OutcomeTimeoutException e = assertThrows(OutcomeTimeoutException.class,
                () -> t.await(t.cursorAtEnd(), Pattern.compile("INCORRECT PIN"), Duration.ofMillis(300), expected));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(ms >= 290, "gave up after " + ms + " ms");
        assertTrue(e instanceof AssertionError);
        String m = e.getMessage();
        assertTrue(m.contains(expected), m);
        assertTrue(m.contains("300 ms"), m);
        assertTrue(m.contains("line 4") && m.contains("line 10"), m);
        assertFalse(m.contains("line 3\n") || m.contains("line 2\n") || m.contains("line 1\n"), m);
        assertFalse(m.contains(PAN), "full PAN in a failure message: " + m);
        assertTrue(m.contains("622848*********0018"), m);
        assertEquals(expected, e.expected());
    }

    @Test
    void awaitLastWaitsForTheMostRecentLine() throws Exception {
        Transcript t = new Transcript(StandardCharsets.UTF_8);
        Pattern idle = Pattern.compile("^WELCOME$");
        feed(t, "WELCOME\nPRESENT CARD\n".getBytes(StandardCharsets.UTF_8));

        OutcomeTimeoutException e = assertThrows(OutcomeTimeoutException.class,
                () -> t.awaitLast(idle, Duration.ofMillis(200), "IDLE (/^WELCOME$/)"));
        assertTrue(e.getMessage().contains("IDLE (/^WELCOME$/)") && e.getMessage().contains("PRESENT CARD"),
                e.getMessage());

        CompletableFuture<Transcript.Line> back = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                back.complete(t.awaitLast(idle, Duration.ofSeconds(30), "IDLE"));
            } catch (Throwable x) {
                back.completeExceptionally(x);
            }
        });
        awaitParked(waiter);
        feed(t, "CANCELLED\n".getBytes(StandardCharsets.UTF_8));
        feed(t, "WELCOME\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(3, back.get(5, TimeUnit.SECONDS).index());

        // already there: returns at once
        assertEquals(3, t.awaitLast(idle, Duration.ZERO, "IDLE").index());
    }

    @Test
    void aWaitStopsAtOnceWhenTheLinkEnds() throws Exception {
        Transcript t = new Transcript(StandardCharsets.UTF_8);
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                t.await(t.cursorAtEnd(), Pattern.compile("APPROVED"), Duration.ofSeconds(60), "APPROVED");
                failed.complete(null);
            } catch (Throwable x) {
                failed.complete(x);
            }
        });
        awaitParked(waiter);
        t.end("the device went away");
        Throwable x = failed.get(5, TimeUnit.SECONDS);
        // the line to the terminal is gone: a rig fault, no verdict on the terminal
        assertTrue(x instanceof dev.posbench.RigFaultException, String.valueOf(x));
        assertTrue(x.getMessage().contains("the device went away"), x.getMessage());
    }

    @Test
    void findDoesNotWait() {
        Transcript t = new Transcript(StandardCharsets.UTF_8);
        feed(t, "A\nB\n".getBytes(StandardCharsets.UTF_8));
        Transcript.Mark m = t.mark();
        feed(t, "C\nA\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(3, t.find(m, Pattern.compile("A")).orElseThrow().index());
        assertTrue(t.find(m, Pattern.compile("B")).isEmpty());
        assertEquals(0, t.find(Transcript.Mark.START, Pattern.compile("A")).orElseThrow().index());
    }

    @Test
    void renderInterleavesBothDirectionsEscapedAndMasked() {
        Transcript t = new Transcript(StandardCharsets.UTF_8);
        feed(t, "BOOT\n".getBytes(StandardCharsets.UTF_8));
        Transcript.Mark from = t.mark();
        t.sent(Instant.now(), "SALE 1000\r\n".getBytes(StandardCharsets.UTF_8));
        feed(t, ("\u0002PAN " + PAN + "\u0003\r\n").getBytes(StandardCharsets.UTF_8));
        feed(t, "交易成功\n".getBytes(StandardCharsets.UTF_8));

        String r = t.render(from);
        List<String> rows = r.lines().toList();
        assertEquals(3, rows.size(), r);
        assertTrue(rows.get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} -> SALE 1000\\\\r\\\\n"), rows.get(0));
        assertTrue(rows.get(1).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} <- \\\\x02PAN 622848\\*{9}0018\\\\x03"), rows.get(1));
        assertTrue(rows.get(2).endsWith("<- 交易成功"), rows.get(2));
        assertFalse(r.contains("BOOT"), "render must start at the mark");
        assertFalse(r.contains(PAN));

        Transcript.Line withPan = t.linesSince(from).getFirst();
        assertTrue(withPan.text().contains(PAN), "the line itself keeps the raw text for checks");
        assertFalse(withPan.toString().contains(PAN), "but never prints it");
    }

    @Test
    void aCursorBelongsToItsTranscript() {
        Transcript a = new Transcript(StandardCharsets.UTF_8);
        Transcript b = new Transcript(StandardCharsets.UTF_8);
        Cursor c = a.cursorAtEnd();
        assertSame(a, c.transcript);
        assertThrows(IllegalArgumentException.class, () -> b.await(c, Pattern.compile("x"), Duration.ZERO, "x"));
    }

    /** Waits until the thread is parked in the transcript's condition; there is no event for that. */
    static void awaitParked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            Thread.State s = t.getState();
            if (s == Thread.State.TIMED_WAITING || s == Thread.State.WAITING) {
                return;
            }
            Thread.sleep(2);
        }
        throw new AssertionError("waiter never parked; state " + t.getState());
    }
}
