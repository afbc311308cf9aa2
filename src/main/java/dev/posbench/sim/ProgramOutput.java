package dev.posbench.sim;

import dev.posbench.channel.Pans;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * What the terminal program printed on stdout and stderr, line by line with the time it came,
 * PANs masked before a line is kept: the evidence of a program nobody here wrote.
 */
final class ProgramOutput {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    /** Bounds memory when a program floods its output; the evidence keeps the start and says what was cut. */
    private static final int MAX_LINES = 50_000;

    private final List<String> lines = new ArrayList<>();
    private long dropped;

    /** Reads {@code stream} to its end on a thread of its own. */
    void capture(InputStream stream, String source) {
        Thread.ofPlatform().name("terminal-program-" + source).daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    add(source, line);
                }
            } catch (IOException e) {
                // the process was killed: its pipes break, and that is the end of its output
            }
        });
    }

    synchronized void note(String text) {
        add("posbench", text);
    }

    private synchronized void add(String source, String line) {
        if (lines.size() >= MAX_LINES) {
            dropped++;
            return;
        }
        lines.add(TIME.format(Instant.now()) + " " + source + " | " + Pans.maskAll(line));
    }

    /** A position to render from. */
    synchronized int mark() {
        return lines.size();
    }

    synchronized String render(int from) {
        StringBuilder out = new StringBuilder();
        for (String line : lines.subList(Math.min(from, lines.size()), lines.size())) {
            out.append(line).append('\n');
        }
        if (dropped > 0) {
            out.append("(").append(dropped).append(" more lines not kept)\n");
        }
        return out.toString();
    }

    /** The last few lines, for a message. */
    synchronized String tail(int count) {
        return render(Math.max(0, lines.size() - count));
    }
}
