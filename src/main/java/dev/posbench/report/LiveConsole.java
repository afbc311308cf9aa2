package dev.posbench.report;

import dev.posbench.channel.Pans;
import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.TestCaseStarted;
import io.cucumber.plugin.event.TestRunFinished;
import io.cucumber.plugin.event.TestRunStarted;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What {@code posbench run} prints while it runs: each scenario's row the moment it finishes
 * (numbered, so it is told apart from the summary table at the end), and, on a terminal only, a
 * progress line under them: scenario n of m, the current id, the time so far, and the time left
 * as the last run's durations of the scenarios still to start estimate it. A CI log gets the rows
 * and no progress line: no carriage returns, no escape codes.
 */
public final class LiveConsole implements ConcurrentEventListener {

    /** The progress line's clock ticks this often; between ticks it is redrawn on every event. */
    private static final Duration TICK = Duration.ofSeconds(1);

    private final PrintWriter out;
    private final boolean progress;
    /** How many scenarios run at once (benches): the time left is the work left shared among them. */
    private final int parallel;
    private final Object lock = new Object();
    /** How long each scenario still to start took last time, in the order they start. */
    private final java.util.ArrayDeque<Duration> toCome = new java.util.ArrayDeque<>();
    private int total;
    /** The scenarios running now: when each started and how long it took last time. */
    private final java.util.Map<java.util.UUID, Running> running = new java.util.HashMap<>();

    private record Running(Instant since, Duration expected) {}
    private ScheduledExecutorService ticker;
    private Instant started = Instant.now();
    private int done;
    private String current = "";
    /** Set when the run is over: a tick that was already waiting for the lock must not draw again. */
    private boolean over;

    /**
     * @param progress whether to draw the progress line ({@link #onTerminal()})
     * @param parallel how many scenarios run at once
     */
    public LiveConsole(PrintWriter out, boolean progress, int parallel) {
        this.out = out;
        this.progress = progress;
        this.parallel = Math.max(1, parallel);
    }

    /** A person watches: standard output is a terminal, and no CI server said it runs this. */
    public static boolean onTerminal() {
        java.io.Console console = System.console();
        String ci = System.getenv("CI");
        return console != null && console.isTerminal() && (ci == null || ci.isBlank() || ci.equals("false"));
    }

    /**
     * The run's scenarios in the order they will start, each with how long it took last time (a
     * scenario never timed with a typical time): what "n of m" and the time left are counted from.
     */
    public void plan(List<Duration> lastTimes) {
        synchronized (lock) {
            toCome.clear();
            toCome.addAll(lastTimes);
            total = lastTimes.size();
        }
    }

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(TestRunStarted.class, e -> runStarted());
        publisher.registerHandlerFor(TestCaseStarted.class, e -> caseStarted(e.getTestCase().getId(),
                e.getTestCase().getName(), ScenarioLabels.catalogIdsOfTags(e.getTestCase().getTags())));
        publisher.registerHandlerFor(io.cucumber.plugin.event.TestCaseFinished.class, e -> {
            synchronized (lock) {
                running.remove(e.getTestCase().getId());
            }
        });
        publisher.registerHandlerFor(TestRunFinished.class, e -> runFinished());
    }

    private void runStarted() {
        synchronized (lock) {
            started = Instant.now();
            if (progress && ticker == null) {
                ticker = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("progress").unstarted(r));
                ticker.scheduleAtFixedRate(this::redraw, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void caseStarted(java.util.UUID id, String name, List<String> ids) {
        synchronized (lock) {
            // scenarios start in the planned order, whichever bench takes them
            Duration expected = toCome.pollFirst();
            running.put(id, new Running(Instant.now(), expected == null ? Duration.ZERO : expected));
            current = ids.isEmpty() ? Pans.maskAll(name) : String.join(",", ids);
            draw();
        }
    }

    /** Prints the row of a scenario that just finished; RunSummary calls it as it records the scenario. */
    public void finished(RunSummary.ScenarioResult scenario) {
        synchronized (lock) {
            done++;
            clear();
            String counter = total > 0 ? String.format(Locale.ROOT, "[%" + digits(total) + "d/%d] ", done, total)
                    : String.format(Locale.ROOT, "[%d] ", done);
            out.print(counter + RunSummary.Result.row(scenario, 6, "NOT APPLICABLE".length()));
            draw();
            out.flush();
        }
    }

    private void runFinished() {
        synchronized (lock) {
            over = true;
            if (ticker != null) {
                ticker.shutdownNow();
                ticker = null;
            }
            clear();
            out.flush();
        }
    }

    private void redraw() {
        synchronized (lock) {
            draw();
        }
    }

    private void draw() {
        if (!progress || over) {
            return;
        }
        out.print("\r\033[K" + progressLine(Duration.between(started, Instant.now())));
        out.flush();
    }

    private void clear() {
        if (progress) {
            out.print("\r\033[K");
        }
    }

    /** "scenario 12 of 76  HC-01  elapsed 24 s  about 31 s left" */
    String progressLine(Duration elapsed) {
        // once the last has finished there is no next one to number
        StringBuilder line = new StringBuilder("scenario ").append(total > 0 ? Math.min(done + 1, total) : done + 1);
        if (total > 0) {
            line.append(" of ").append(total);
        }
        if (!current.isEmpty()) {
            line.append("  ").append(current);
        }
        line.append("  elapsed ").append(RunSummary.Result.time(elapsed));
        remaining().ifPresent(left -> line.append("  about ").append(RunSummary.Result.time(left)).append(" left"));
        return line.toString();
    }

    /**
     * What the scenarios not yet started took last time, and what the running ones have still to
     * go by that measure, shared among the benches.
     */
    private java.util.Optional<Duration> remaining() {
        if (total == 0) {
            return java.util.Optional.empty();
        }
        Instant now = Instant.now();
        Duration left = toCome.stream().reduce(Duration.ZERO, Duration::plus);
        for (Running r : running.values()) {
            Duration rest = r.expected().minus(Duration.between(r.since(), now));
            left = rest.isNegative() ? left : left.plus(rest);
        }
        return java.util.Optional.of(left.dividedBy(parallel));
    }

    private static int digits(int n) {
        return String.valueOf(n).length();
    }
}
