package dev.posbench.report;

import dev.posbench.bank.FakeBank.Exchange;
import dev.posbench.channel.IsoFields;
import dev.posbench.channel.Pans;
import dev.posbench.rig.ActuationLog;
import dev.posbench.terminal.Transcript;
import java.nio.charset.Charset;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One scenario on one clock: what the rig did, what crossed the serial line, and what the bank
 * received and answered, merged by instant. The three sources keep their own evidence; this is
 * the story told across them, as text ({@link #text()}) and as a sequence chart
 * ({@link TimelineSvg}). A pause longer than {@link #GAP} is a {@link Gap}: that is how a timer
 * (the host timeout, a held-back answer) shows.
 */
public record Timeline(List<Event> events) {

    /** Shorter pauses are the ordinary pace of a transaction; longer ones are waits worth seeing. */
    public static final Duration GAP = Duration.ofMillis(300);

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    /** Who is involved: the bench's side (rig and its serial commands), the terminal, the bank. */
    public enum Lane { RIG, TERMINAL, BANK }

    /** Something that happened at one instant, already fit to print (PANs masked, PINs never). */
    public sealed interface Event permits Note, Message, Gap {
        Instant at();
    }

    /** Something one party did or showed on its own (a display line, a log line, a held-back answer). */
    public record Note(Instant at, Lane lane, String text) implements Event {
        public Note {
            text = Pans.maskAll(text);
        }
    }

    /** Something that went from one party to another (a swipe, a key, a serial command, a request, an answer). */
    public record Message(Instant at, Lane from, Lane to, String text) implements Event {
        public Message {
            text = Pans.maskAll(text);
        }
    }

    /** Nothing happened between {@code at} and {@code at + length}. */
    public record Gap(Instant at, Duration length) implements Event {}

    public Timeline {
        events = List.copyOf(events);
    }

    /**
     * Merges the sources of one scenario.
     *
     * @param rig       the actuation log's rows of the scenario (pin changes, indented, are left out:
     *                  the motion above them says what they did)
     * @param lines     the terminal's lines of the scenario
     * @param sent      what the bench sent on the serial line (other chunks are ignored)
     * @param charset   the serial line's charset, to read what the bench sent
     * @param exchanges what the bank received and answered
     */
    public static Timeline of(List<ActuationLog.Row> rig, List<Transcript.Line> lines, List<Transcript.Chunk> sent,
                              Charset charset, List<Exchange> exchanges) {
        List<Event> merged = new ArrayList<>();
        for (ActuationLog.Row row : rig) {
            if (!row.text().startsWith(" ")) {
                merged.add(new Message(row.at(), Lane.RIG, Lane.TERMINAL, row.text()));
            }
        }
        for (Transcript.Chunk chunk : sent) {
            if (chunk.direction() == Transcript.Direction.TO_TERMINAL) {
                merged.add(new Message(chunk.at(), Lane.RIG, Lane.TERMINAL,
                        "serial: " + new String(chunk.bytes(), charset).strip()));
            }
        }
        for (Transcript.Line line : lines) {
            merged.add(new Note(line.at(), Lane.TERMINAL, line.text()));
        }
        Instant last = merged.stream().map(Event::at).max(Comparator.naturalOrder()).orElse(Instant.EPOCH);
        for (Exchange e : exchanges) {
            last = last.isAfter(e.at()) ? last : e.at();
        }
        for (Exchange e : exchanges) {
            merged.add(new Message(e.at(), Lane.TERMINAL, Lane.BANK,
                    e.request().map(IsoFields::headline).orElse("a request not in the bank's dialect")));
            Instant answered = e.at().plus(e.delay());
            String answer = e.fault().map(f -> "fault " + f)
                    .orElseGet(() -> e.response().map(IsoFields::headline).orElse("HTTP " + e.status()));
            if (!e.delay().isZero()) {
                merged.add(new Note(e.at(), Lane.BANK, "holds the answer back " + e.delay().toMillis() + " ms"));
            }
            if (answered.isAfter(last)) {
                // the terminal had moved on before the answer left: it is part of the story, not of the clock
                merged.add(new Note(e.at(), Lane.BANK, answer + " would leave after the scenario ended"));
            } else {
                merged.add(new Message(answered, Lane.BANK, Lane.TERMINAL, answer));
            }
        }
        // stable: at one instant the sources keep the order above (the rig acts, the terminal shows, the bank answers)
        merged.sort(Comparator.comparing(Event::at));
        return new Timeline(withGaps(collapsed(merged)));
    }

    /**
     * Repeated motions (six PIN keys, each shown as "*") read as one: "key * x6" at the first
     * press. What the terminal showed meanwhile follows it, in its order.
     */
    private static List<Event> collapsed(List<Event> events) {
        List<Event> out = new ArrayList<>();
        int i = 0;
        while (i < events.size()) {
            Event e = events.get(i);
            if (!(e instanceof Message m) || m.from() != Lane.RIG) {
                out.add(e);
                i++;
                continue;
            }
            int lastRepeat = i;
            int repeats = 1;
            for (int j = i + 1; j < events.size(); j++) {
                Event next = events.get(j);
                if (Duration.between(events.get(lastRepeat).at(), next.at()).compareTo(GAP) >= 0) {
                    break;
                }
                if (next instanceof Message n && n.from() == m.from() && n.to() == m.to() && n.text().equals(m.text())) {
                    lastRepeat = j;
                    repeats++;
                } else if (!(next instanceof Note)) {
                    break;
                }
            }
            out.add(repeats == 1 ? m : new Message(m.at(), m.from(), m.to(), m.text() + " x" + repeats));
            for (int j = i + 1; j <= lastRepeat; j++) {
                if (events.get(j) instanceof Note note) {
                    out.add(note);
                }
            }
            i = lastRepeat + 1;
        }
        return out;
    }

    private static List<Event> withGaps(List<Event> events) {
        List<Event> out = new ArrayList<>();
        for (Event e : events) {
            if (!out.isEmpty()) {
                Instant previous = out.getLast().at();
                Duration pause = Duration.between(previous, e.at());
                if (pause.compareTo(GAP) >= 0) {
                    out.add(new Gap(previous, pause));
                }
            }
            out.add(e);
        }
        return out;
    }

    /** When the scenario's first event happened; the chart and the text count from there. */
    public Instant start() {
        return events.isEmpty() ? Instant.EPOCH : events.getFirst().at();
    }

    /**
     * The timeline as text, one event a line: the wall-clock time, the time since the first
     * event, who to whom, and what.
     */
    public String text() {
        if (events.isEmpty()) {
            return "timeline: nothing happened\n";
        }
        StringBuilder out = new StringBuilder();
        for (Event e : events) {
            String head = TIME.format(e.at()) + "  " + String.format(Locale.ROOT, "%+8.3f s", since(e.at()));
            out.append(switch (e) {
                case Message m -> String.format(Locale.ROOT, "%s  %-19s %s%n", head, lane(m.from()) + " -> " + lane(m.to()), m.text());
                case Note n -> String.format(Locale.ROOT, "%s  %-19s %s%n", head, lane(n.lane()), n.text());
                case Gap g -> String.format(Locale.ROOT, "%s  ...... %s without a word ......%n",
                        " ".repeat(head.length()), seconds(g.length()));
            });
        }
        return out.toString();
    }

    double since(Instant at) {
        return Duration.between(start(), at).toNanos() / 1e9;
    }

    static String lane(Lane lane) {
        return lane.name().toLowerCase(Locale.ROOT);
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f s", d.toNanos() / 1e9);
    }
}
