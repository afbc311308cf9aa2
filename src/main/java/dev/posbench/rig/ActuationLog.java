package dev.posbench.rig;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the rig did, in the domain's words, with the instant of each row: motions ("swipe slot 3
 * at 90.0 cm/s"), the output changes they made, safe states and emergency stops. A scenario takes
 * a {@link #mark()} when it starts and attaches {@link #render(Mark)} as its evidence.
 */
public final class ActuationLog {

    /** A position in the log; rows from it on belong to whoever took it. */
    public record Mark(int position) {}

    /**
     * One row: a motion or event in the domain's words, or (indented by two spaces) an output it
     * switched. Public so a report can put the rig's rows on one clock with the terminal and the bank.
     */
    public record Row(Instant at, String text) {}

    private static final Logger LOG = LoggerFactory.getLogger(ActuationLog.class);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private final List<Row> rows = new ArrayList<>();

    ActuationLog() {}

    synchronized void add(String text) {
        rows.add(new Row(Instant.now(), text));
        LOG.debug("{}", text);
    }

    public synchronized Mark mark() {
        return new Mark(rows.size());
    }

    /** The rows since {@code from}, in the order they happened. */
    public synchronized List<Row> rowsSince(Mark from) {
        return List.copyOf(rows.subList(Math.clamp(from.position(), 0, rows.size()), rows.size()));
    }

    /** The rows since {@code from}, one a line: {@code HH:mm:ss.SSS  text}. */
    public synchronized String render(Mark from) {
        StringBuilder out = new StringBuilder();
        for (Row row : rowsSince(from)) {
            out.append(TIME.format(row.at())).append("  ").append(row.text()).append('\n');
        }
        return out.toString();
    }
}
