package dev.posbench.terminal;

import dev.posbench.channel.Pans;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Everything that crossed one serial link, in both directions, with the time it crossed, and the
 * terminal's output decoded into lines. Every wait on what the terminal shows goes through
 * {@link #await} or {@link #awaitLast}: one condition, signalled on every new line, so a wait ends
 * the moment its line arrives and costs nothing while it does not.
 *
 * <p>Lines are split on {@code \n}; trailing {@code \r} are dropped (CR LF endings), a {@code \r}
 * inside a line is kept (terminals use it to redraw) and shown escaped. Each line is decoded on
 * its own with the profile's charset once its newline has arrived, so a multi-byte character that
 * the wire split across chunks decodes whole. (In UTF-8 and GB18030 the byte 0x0A never occurs
 * inside a character.) A line's time is the time its newline arrived: when it could first be seen.
 *
 * <p>{@link Line#text()} is the raw text, so checks such as "the full PAN never appears on the
 * serial output" can see it; everything rendered for people ({@link #render}, timeout messages,
 * {@code toString}) has PANs masked.
 *
 * <p>Thread-safe.
 */
public final class Transcript {

    /** Which way a chunk of bytes went. */
    public enum Direction { FROM_TERMINAL, TO_TERMINAL }

    /** Bytes as they crossed the wire in one read or one write. */
    public record Chunk(Instant at, Direction direction, byte[] bytes) {
        public Chunk {
            Objects.requireNonNull(at);
            Objects.requireNonNull(direction);
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Chunk c && at.equals(c.at) && direction == c.direction && Arrays.equals(bytes, c.bytes);
        }

        @Override
        public int hashCode() {
            return Objects.hash(at, direction, Arrays.hashCode(bytes));
        }

        /** Length only: the bytes may hold a PAN. */
        @Override
        public String toString() {
            return "Chunk[" + TIME.format(at) + " " + direction + ", " + bytes.length + " bytes]";
        }
    }

    /**
     * One complete line from the terminal.
     *
     * @param index 0 for the first line the link received
     * @param at    when its newline arrived
     * @param text  as decoded, unmasked; no line terminator
     */
    public record Line(int index, Instant at, String text) {
        public Line {
            Objects.requireNonNull(at);
            Objects.requireNonNull(text);
        }

        /** Masked, so a line can be logged or put in an assertion message safely. */
        @Override
        public String toString() {
            return "Line[" + index + " " + TIME.format(at) + " " + show(text) + "]";
        }
    }

    /**
     * A position in the transcript: the next line index and the next chunk index.
     * {@link #START} is the very beginning.
     */
    public record Mark(int line, int chunk) {
        public static final Mark START = new Mark(0, 0);

        public Mark {
            if (line < 0 || chunk < 0) {
                throw new IllegalArgumentException("a mark cannot be negative: line " + line + ", chunk " + chunk);
            }
        }
    }

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    /** How many lines a timeout message quotes. */
    private static final int LAST_SEEN = 8;

    private final Charset charset;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition newLine = lock.newCondition();
    private final List<Chunk> chunks = new ArrayList<>();
    private final List<Line> lines = new ArrayList<>();
    /** Lines and sent chunks in arrival order, for rendering. */
    private final List<Row> rows = new ArrayList<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private Instant partialSince;
    /** Why the link ended; null while it lives. */
    private String ended;
    /** Why the terminal went away (its program died); null while it is there. */
    private String halted;

    private sealed interface Row {}

    private record LineRow(Line line) implements Row {}

    private record SentRow(int chunkIndex, Chunk chunk) implements Row {}

    Transcript(Charset charset) {
        this.charset = Objects.requireNonNull(charset);
    }

    // ---- recording (the link's side) ----

    /** Bytes the terminal sent. */
    void received(Instant at, byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        lock.lock();
        try {
            chunks.add(new Chunk(at, Direction.FROM_TERMINAL, bytes));
            boolean any = false;
            for (byte b : bytes) {
                if (b == '\n') {
                    completeLine(at);
                    any = true;
                } else {
                    if (partial.size() == 0) {
                        partialSince = at;
                    }
                    partial.write(b);
                }
            }
            if (any) {
                newLine.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Bytes the bench sent. Recorded before they go out, so a fast answer never precedes its question. */
    void sent(Instant at, byte[] bytes) {
        lock.lock();
        try {
            Chunk c = new Chunk(at, Direction.TO_TERMINAL, bytes);
            rows.add(new SentRow(chunks.size(), c));
            chunks.add(c);
        } finally {
            lock.unlock();
        }
    }

    /** The link is gone: waits stop at once instead of running out their timeout. */
    void end(String why) {
        lock.lock();
        try {
            if (ended == null) {
                ended = why;
                newLine.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The terminal behind the link went away (its program died or broke the contract): every wait
     * in progress, and every wait until {@link #resume()}, ends at once with {@code why}.
     */
    public void halt(String why) {
        lock.lock();
        try {
            halted = why;
            newLine.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The terminal is being powered up again: waits wait again. */
    public void resume() {
        lock.lock();
        try {
            halted = null;
        } finally {
            lock.unlock();
        }
    }

    private void completeLine(Instant at) {
        byte[] raw = partial.toByteArray();
        int end = raw.length;
        while (end > 0 && raw[end - 1] == '\r') {
            end--;
        }
        Line line = new Line(lines.size(), at, new String(raw, 0, end, charset));
        lines.add(line);
        rows.add(new LineRow(line));
        partial.reset();
        partialSince = null;
    }

    // ---- reading ----

    /** The current end: the next line and chunk to arrive. */
    public Mark mark() {
        lock.lock();
        try {
            return new Mark(lines.size(), chunks.size());
        } finally {
            lock.unlock();
        }
    }

    /** Complete lines from {@code from} on. */
    public List<Line> linesSince(Mark from) {
        lock.lock();
        try {
            return List.copyOf(lines.subList(Math.min(from.line(), lines.size()), lines.size()));
        } finally {
            lock.unlock();
        }
    }

    /** Chunks, both directions, from {@code from} on: the raw bytes, for framed protocols. */
    /**
     * Whether the bench's last bytes to the terminal (a sale command) got no answer at all: nothing
     * came back after them. A terminal that froze shows its last screen (often idle) for ever;
     * this is how the bench tells it from one that is idle.
     */
    public boolean lastCommandUnanswered() {
        lock.lock();
        try {
            return !chunks.isEmpty() && chunks.getLast().direction() == Direction.TO_TERMINAL;
        } finally {
            lock.unlock();
        }
    }

    public List<Chunk> chunksSince(Mark from) {
        lock.lock();
        try {
            return List.copyOf(chunks.subList(Math.min(from.chunk(), chunks.size()), chunks.size()));
        } finally {
            lock.unlock();
        }
    }

    /** The first complete line at or after {@code from} in which {@code pattern} is found; does not wait. */
    public Optional<Line> find(Mark from, Pattern pattern) {
        lock.lock();
        try {
            for (int i = from.line(); i < lines.size(); i++) {
                if (pattern.matcher(lines.get(i).text()).find()) {
                    return Optional.of(lines.get(i));
                }
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * For people: one row per terminal line and per chunk the bench sent, from {@code from} on,
     * in arrival order, as {@code HH:mm:ss.SSS <- text} (from the terminal) or {@code -> text}
     * (to it), non-printables escaped, PANs masked. An unfinished last line is shown as such.
     */
    public String render(Mark from) {
        lock.lock();
        try {
            StringBuilder out = new StringBuilder();
            for (Row row : rows) {
                switch (row) {
                    case LineRow(Line l) when l.index() >= from.line() -> row(out, l.at(), "<-", l.text());
                    case SentRow(int i, Chunk c) when i >= from.chunk() ->
                            row(out, c.at(), "->", new String(c.bytes, charset));
                    default -> { }
                }
            }
            if (partial.size() > 0) {
                row(out, partialSince, "<-", new String(partial.toByteArray(), charset) + "  (no newline yet)");
            }
            if (ended != null) {
                out.append("-- link ended: ").append(ended).append('\n');
            }
            return out.toString();
        } finally {
            lock.unlock();
        }
    }

    /** Starts a series of waits at the current end: only lines still to come are looked at. */
    public Cursor cursorAtEnd() {
        lock.lock();
        try {
            return new Cursor(this, lines.size());
        } finally {
            lock.unlock();
        }
    }

    int cursorPosition(Cursor cursor) {
        lock.lock();
        try {
            return cursor.nextLine;
        } finally {
            lock.unlock();
        }
    }

    // ---- waiting ----

    /**
     * Waits for the first line at or after the cursor in which {@code pattern} is found
     * ({@link java.util.regex.Matcher#find()}), moves the cursor past it and returns it. Lines
     * already there count: a wait started just after the terminal answered still sees the answer.
     *
     * @param expected what is awaited, for people: the outcome and where its text comes from
     * @throws OutcomeTimeoutException when no such line came in time, or the link ended
     */
    public Line await(Cursor cursor, Pattern pattern, Duration timeout, String expected) {
        if (cursor.transcript != this) {
            throw new IllegalArgumentException("the cursor belongs to another transcript");
        }
        long deadline = System.nanoTime() + nanos(timeout);
        lock.lock();
        try {
            int firstLooked = cursor.nextLine;
            while (true) {
                while (cursor.nextLine < lines.size()) {
                    Line l = lines.get(cursor.nextLine++);
                    if (pattern.matcher(l.text()).find()) {
                        return l;
                    }
                }
                long left = deadline - System.nanoTime();
                if (ended != null || halted != null || left <= 0) {
                    int looked = lines.size() - Math.min(firstLooked, lines.size());
                    stop(expected, timeout,
                            looked + (looked == 1 ? " line" : " lines") + " arrived in the wait; none matched.");
                }
                waitForLine(left, expected);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the most recent complete line matches {@code pattern}: the terminal is now in
     * that state (for instance back at idle), whatever it showed on the way. Returns at once when
     * it already is.
     *
     * @throws OutcomeTimeoutException when it did not get there in time, or the link ended
     */
    public Line awaitLast(Pattern pattern, Duration timeout, String expected) {
        long deadline = System.nanoTime() + nanos(timeout);
        lock.lock();
        try {
            while (true) {
                if (!lines.isEmpty()) {
                    Line last = lines.getLast();
                    if (pattern.matcher(last.text()).find()) {
                        return last;
                    }
                }
                long left = deadline - System.nanoTime();
                if (ended != null || halted != null || left <= 0) {
                    stop(expected, timeout, "The terminal's last line did not match.");
                }
                waitForLine(left, expected);
            }
        } finally {
            lock.unlock();
        }
    }

    private void waitForLine(long nanos, String expected) {
        try {
            long waitStart = System.nanoTime();
            newLine.awaitNanos(nanos);
            dev.posbench.WaitClock.since(waitStart);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + Pans.maskAll(expected), e);
        }
    }

    /**
     * Why a wait stopped: the link ended (the device went away: a rig fault, no verdict on the
     * terminal), or the wait ran out or was halted (a verdict on the terminal).
     */
    private void stop(String expected, Duration timeout, String detail) {
        OutcomeTimeoutException timedOut = timedOut(expected, timeout, detail);
        if (ended != null) {
            throw new dev.posbench.RigFaultException("rig fault, no verdict: " + timedOut.getMessage());
        }
        throw timedOut;
    }

    private OutcomeTimeoutException timedOut(String expected, Duration timeout, String detail) {
        StringBuilder m = new StringBuilder();
        m.append("expected ").append(Pans.maskAll(expected));
        if (ended != null) {
            m.append(", but the serial link ended (").append(ended).append(") before it showed.");
        } else if (halted != null) {
            m.append(", but ").append(halted.strip()).append('\n');
        } else {
            m.append(" within ").append(human(timeout)).append(", but it did not show. ");
            m.append(detail);
        }
        int from = Math.max(0, lines.size() - LAST_SEEN);
        if (lines.isEmpty() && partial.size() == 0) {
            m.append("\nThe terminal has sent no line at all.");
        } else {
            m.append("\nLast ").append(Math.min(LAST_SEEN, lines.size()))
                    .append(" lines from the terminal:\n");
            for (Line l : lines.subList(from, lines.size())) {
                m.append("  ");
                row(m, l.at(), "<-", l.text());
            }
            if (partial.size() > 0) {
                m.append("  ");
                row(m, partialSince, "<-", new String(partial.toByteArray(), charset) + "  (no newline yet)");
            }
        }
        return new OutcomeTimeoutException(expected, timeout, m.toString().stripTrailing());
    }

    // ---- formatting ----

    private static void row(StringBuilder out, Instant at, String arrow, String text) {
        out.append(TIME.format(at)).append(' ').append(arrow).append(' ').append(show(text)).append('\n');
    }

    /** Masks PANs first (escapes add digits that could hide a run), then escapes what is not printable. */
    static String show(String text) {
        String masked = Pans.maskAll(text);
        StringBuilder out = new StringBuilder(masked.length());
        for (int i = 0; i < masked.length(); i++) {
            char c = masked.charAt(i);
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02X", (int) c));
                    } else if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static long nanos(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return TimeUnit.DAYS.toNanos(365);
        }
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return String.format(java.util.Locale.ROOT, "%.3f s", ms / 1000.0);
    }
}
