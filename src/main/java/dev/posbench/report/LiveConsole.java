package dev.posbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.posbench.channel.Pans;
import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.TestCaseStarted;
import io.cucumber.plugin.event.TestRunFinished;
import io.cucumber.plugin.event.TestRunStarted;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What {@code posbench run} prints while it runs: each scenario's row the moment it finishes
 * (numbered, so it is told apart from the summary table at the end), and, on a terminal only, a
 * progress line under them: scenario n of m, the current id, the time so far, and the time left
 * as the last run's durations of the scenarios still to come estimate it. A CI log gets the rows
 * and no progress line: no carriage returns, no escape codes.
 */
public final class LiveConsole implements ConcurrentEventListener {

    /** The progress line's clock ticks this often; between ticks it is redrawn on every event. */
    private static final Duration TICK = Duration.ofSeconds(1);

    private final PrintWriter out;
    private final boolean progress;
    /** The names of the scenarios this run will take, as many times as each occurs; empty when unknown. */
    private final List<String> toCome;
    private final int total;
    private final Map<String, Duration> lastRun;
    private final Object lock = new Object();
    private ScheduledExecutorService ticker;
    private Instant started = Instant.now();
    private int done;
    private String current = "";

    /**
     * @param progress whether to draw the progress line ({@link #onTerminal()})
     * @param planned  the scenarios the run will take, by name; empty when it cannot be known
     * @param lastRun  each scenario's duration in the last run, by name
     */
    public LiveConsole(PrintWriter out, boolean progress, List<String> planned, Map<String, Duration> lastRun) {
        this.out = out;
        this.progress = progress;
        this.toCome = new ArrayList<>(planned);
        this.total = planned.size();
        this.lastRun = Map.copyOf(lastRun);
    }

    /** A person watches: standard output is a terminal, and no CI server said it runs this. */
    public static boolean onTerminal() {
        java.io.Console console = System.console();
        String ci = System.getenv("CI");
        return console != null && console.isTerminal() && (ci == null || ci.isBlank() || ci.equals("false"));
    }

    /**
     * Each scenario's duration in the Allure results a run left in {@code results} (read before
     * this run clears them), by name.
     */
    public static Map<String, Duration> durations(Path results) {
        Map<String, Duration> durations = new HashMap<>();
        if (!Files.isDirectory(results)) {
            return durations;
        }
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.list(results)) {
            for (Path f : files.filter(p -> p.toString().endsWith("-result.json")).toList()) {
                JsonNode r = json.readTree(f.toFile());
                long start = r.path("start").asLong(0);
                long stop = r.path("stop").asLong(0);
                if (start > 0 && stop >= start) {
                    durations.put(r.path("name").asText(), Duration.ofMillis(stop - start));
                }
            }
        } catch (IOException e) {
            return Map.of(); // an estimate only: a results folder that cannot be read gives none
        }
        return durations;
    }

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(TestRunStarted.class, e -> runStarted());
        publisher.registerHandlerFor(TestCaseStarted.class, e -> caseStarted(e.getTestCase().getName(),
                ScenarioLabels.catalogIdsOfTags(e.getTestCase().getTags())));
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

    private void caseStarted(String name, List<String> ids) {
        synchronized (lock) {
            current = ids.isEmpty() ? Pans.maskAll(name) : String.join(",", ids);
            draw();
        }
    }

    /** Prints the row of a scenario that just finished; RunSummary calls it as it records the scenario. */
    public void finished(RunSummary.ScenarioResult scenario) {
        synchronized (lock) {
            done++;
            toCome.remove(scenario.name());
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
        if (!progress) {
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
        StringBuilder line = new StringBuilder("scenario ").append(Math.min(done + 1, Math.max(total, done + 1)));
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

    /** The last run's durations of the scenarios still to come; a scenario it did not take counts as its average. */
    private java.util.Optional<Duration> remaining() {
        if (lastRun.isEmpty() || total == 0) {
            return java.util.Optional.empty();
        }
        Duration average = lastRun.values().stream().reduce(Duration.ZERO, Duration::plus).dividedBy(lastRun.size());
        return java.util.Optional.of(toCome.stream().map(n -> lastRun.getOrDefault(n, average))
                .reduce(Duration.ZERO, Duration::plus));
    }

    private static int digits(int n) {
        return String.valueOf(n).length();
    }
}
