package dev.posbench.report;

import dev.posbench.BadInputException;
import dev.posbench.TerminalProgramException;
import dev.posbench.channel.Pans;
import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.HookTestStep;
import io.cucumber.plugin.event.HookType;
import io.cucumber.plugin.event.PickleStepTestStep;
import io.cucumber.plugin.event.Status;
import io.cucumber.plugin.event.TestCase;
import io.cucumber.plugin.event.TestCaseFinished;
import io.cucumber.plugin.event.TestRunFinished;
import io.cucumber.plugin.event.TestRunStarted;
import io.cucumber.plugin.event.TestStepFinished;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Cucumber plugin ({@code --plugin dev.posbench.report.RunSummary}) that records what a run
 * did, scenario by scenario, for the few lines {@code posbench run} prints at the end.
 *
 * <p>Cucumber creates the plugin itself, so the result is handed over through a {@link Capture}
 * the caller opens before the run and reads after it:
 * <pre>{@code
 * try (RunSummary.Capture capture = RunSummary.capture()) {
 *     byte status = Main.run(argv, loader);
 *     capture.result().ifPresent(r -> System.out.print(r.render(index)));
 * }
 * }</pre>
 * A capture only ever holds the run made while it was open: a run that never started leaves it
 * empty rather than showing an earlier run's verdicts.
 */
public final class RunSummary implements ConcurrentEventListener {

    /** A failure-path id from the catalog as a tag: {@code @CV-02}, {@code @HC-01}, {@code @INV-3}. */
    private static final Pattern PATH_ID = Pattern.compile("^@([A-Z]{2,3}-\\d+)$");

    private static final AtomicReference<Capture> OPEN = new AtomicReference<>();

    // Cucumber may deliver events from several threads (--threads): everything below is guarded by this
    private final Object lock = new Object();
    private final List<Recorded> finished = new ArrayList<>();
    private final Map<UUID, String> firstBadStep = new HashMap<>();
    /** Scenarios whose Before hook (readying the terminal) failed: they never began. */
    private final java.util.Set<UUID> failedBefore = new java.util.HashSet<>();
    /** How the summary begins the failure of a scenario that never began. */
    public static final String BEFORE_THE_SCENARIO = "before the scenario began: ";
    private Instant started;
    private SlowStep slowest;
    private volatile Result result;

    /** Told of each scenario as it finishes (the live console), on the thread that finished it. */
    private final java.util.function.Consumer<ScenarioResult> eachFinished;

    /** Where this run's summary goes when it ends: the capture open when Cucumber made the plugin, if any. */
    private final Capture deliverTo;

    /** Cucumber's way in: a plugin named by class with no argument is built with this constructor. */
    public RunSummary() {
        this(s -> { }, OPEN.get());
    }

    /**
     * A summary that also hands each scenario's result to {@code eachFinished} the moment it is
     * known; its caller reads it from {@link #result()}, and no capture sees it (runs side by side
     * in one JVM each have their own).
     */
    public RunSummary(java.util.function.Consumer<ScenarioResult> eachFinished) {
        this(eachFinished, null);
    }

    private RunSummary(java.util.function.Consumer<ScenarioResult> eachFinished, Capture deliverTo) {
        this.eachFinished = eachFinished;
        this.deliverTo = deliverTo;
    }

    /**
     * Opens the capture the next run's summary is delivered to.
     *
     * @throws IllegalStateException if one is already open: Cucumber runs one at a time per JVM
     */
    public static Capture capture() {
        Capture capture = new Capture();
        if (!OPEN.compareAndSet(null, capture)) {
            throw new IllegalStateException("a run summary is already being captured: one Cucumber run at a time per JVM");
        }
        return capture;
    }

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(TestRunStarted.class, this::runStarted);
        publisher.registerHandlerFor(TestStepFinished.class, this::stepFinished);
        publisher.registerHandlerFor(TestCaseFinished.class, this::caseFinished);
        publisher.registerHandlerFor(TestRunFinished.class, this::runFinished);
    }

    private void runStarted(TestRunStarted event) {
        synchronized (lock) {
            started = event.getInstant();
        }
    }

    private void stepFinished(TestStepFinished event) {
        Status status = event.getResult().getStatus();
        TestCase testCase = event.getTestCase();
        synchronized (lock) {
            if (event.getTestStep() instanceof PickleStepTestStep step) {
                String text = step.getStep().getKeyword() + step.getStep().getText();
                if (status != Status.PASSED && status != Status.SKIPPED) {
                    firstBadStep.putIfAbsent(testCase.getId(), text);
                }
                Duration took = event.getResult().getDuration();
                if (slowest == null || took.compareTo(slowest.duration()) > 0) {
                    slowest = new SlowStep(text.strip(), testCase.getName(), took);
                }
            } else if (event.getTestStep() instanceof HookTestStep hook && hook.getHookType() == HookType.BEFORE
                    && status == Status.FAILED) {
                failedBefore.add(testCase.getId());
            }
        }
    }

    private void caseFinished(TestCaseFinished event) {
        TestCase testCase = event.getTestCase();
        io.cucumber.plugin.event.Result result = event.getResult();
        List<String> ids = testCase.getTags().stream()
                .map(PATH_ID::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group(1))
                .distinct()
                .toList();
        ScenarioResult recorded;
        synchronized (lock) {
            Optional<Failure> failure = switch (result.getStatus()) {
                case SKIPPED -> Optional.ofNullable(result.getError())
                        .map(e -> new Failure(Failure.firstLine(e), Cause.NOT_APPLICABLE));
                case PASSED, UNUSED -> Optional.empty();
                default -> Optional.of(Failure.of(result.getError(),
                        result.getStatus(), firstBadStep.remove(testCase.getId())))
                        // a scenario that never began judged nothing: say so, so no one reads it as a verdict
                        .map(f -> failedBefore.remove(testCase.getId()) && f.cause() == Cause.TERMINAL
                                ? new Failure(BEFORE_THE_SCENARIO + f.message(), f.cause()) : f);
            };
            if (failure.isPresent() && result.getStatus() != Status.SKIPPED && dev.posbench.Interruption.signal().isPresent()) {
                // told to stop: what did not pass was cut short or never begun, and is no verdict
                failure = Optional.of(new Failure(failure.get().message(), Cause.INTERRUPTED));
            }
            recorded = new ScenarioResult(ids, testCase.getName(), result.getStatus(), result.getDuration(), failure);
            finished.add(new Recorded(testCase.getUri().toString(), testCase.getLocation().getLine(), recorded));
        }
        eachFinished.accept(recorded);
    }

    private void runFinished(TestRunFinished event) {
        Result summary;
        synchronized (lock) {
            Duration wall = started == null ? Duration.ZERO : Duration.between(started, event.getInstant());
            io.cucumber.plugin.event.Result run = event.getResult();
            // a run fails outside any scenario when a feature does not parse or a BeforeAll/AfterAll hook throws
            Optional<Failure> runFailure = run == null || run.getError() == null
                    ? Optional.empty()
                    : Optional.of(Failure.of(run.getError(), run.getStatus(), null));
            List<ScenarioResult> scenarios = finished.stream()
                    .sorted(Comparator.comparing(Recorded::uri).thenComparingInt(Recorded::line))
                    .map(Recorded::scenario)
                    .toList();
            summary = new Result(scenarios, wall, Optional.ofNullable(slowest), runFailure);
        }
        result = summary;
        if (deliverTo != null && OPEN.get() == deliverTo) {
            deliverTo.result = summary;
        }
    }

    /** This plugin's run, once it finished: for a caller that made the plugin itself and handed it to Cucumber. */
    public Optional<Result> result() {
        return Optional.ofNullable(result);
    }

    private record Recorded(String uri, int line, ScenarioResult scenario) {}

    /** Where the summary of the run made while it is open ends up. */
    public static final class Capture implements AutoCloseable {

        private volatile Result result;

        private Capture() {}

        /** The run's summary; empty when no run finished (Cucumber failed to start, or the plugin was not given). */
        public Optional<Result> result() {
            return Optional.ofNullable(result);
        }

        @Override
        public void close() {
            OPEN.compareAndSet(this, null);
        }
    }

    /** Whose fault a failure is: the run's exit code and the summary's wording follow it. */
    public enum Cause {
        /** The terminal did something the catalog says it must not (or the bench broke). */
        TERMINAL,
        /** The bench's configuration or a feature is wrong, not the terminal. */
        BAD_INPUT,
        /** The terminal program broke the terminal contract: there is no verdict on the terminal. */
        BROKEN_PROGRAM,
        /** The scenario needs what the terminal does not have (its profile says so): not judged, not passed. */
        NOT_APPLICABLE,
        /** posbench was told to stop (SIGINT, SIGTERM) before the scenario could end or begin: no verdict. */
        INTERRUPTED,
        /** The rig failed (the terminal's serial device went away): no verdict on the terminal. */
        RIG_FAULT
    }

    /**
     * What went wrong, in one line: the first line of the error's message (masked); for a broken
     * terminal program the whole message, which quotes the program's last output.
     */
    public record Failure(String message, Cause cause) {

        public Failure {
            message = Pans.maskAll(message);
        }

        public boolean badInput() {
            return cause == Cause.BAD_INPUT;
        }

        static Failure of(Throwable error, Status status, String badStep) {
            if (error == null) {
                String what = status.name().toLowerCase(Locale.ROOT) + " step";
                return new Failure(badStep == null ? what : what + ": " + badStep.strip(), Cause.TERMINAL);
            }
            BadInputException badInput = causeIn(error, BadInputException.class);
            if (badInput != null) {
                return new Failure(firstLine(badInput), Cause.BAD_INPUT);
            }
            dev.posbench.RigFaultException rig = causeIn(error, dev.posbench.RigFaultException.class);
            if (rig != null) {
                return new Failure(firstLine(rig), Cause.RIG_FAULT);
            }
            TerminalProgramException broken = causeIn(error, TerminalProgramException.class);
            if (broken != null) {
                return new Failure(broken.getMessage(), Cause.BROKEN_PROGRAM);
            }
            String line = firstLine(error);
            // a verdict (an assertion) speaks for itself; anything else is named, it may be a bench fault
            return new Failure(error instanceof AssertionError ? line : error.getClass().getSimpleName() + ": " + line,
                    Cause.TERMINAL);
        }

        private static <T extends Throwable> T causeIn(Throwable error, Class<T> kind) {
            Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
                if (kind.isInstance(t)) {
                    return kind.cast(t);
                }
            }
            return null;
        }

        static String firstLine(Throwable error) {
            String message = error.getMessage();
            if (message == null) {
                return error.getClass().getName();
            }
            return message.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
                    .orElse(error.getClass().getName());
        }
    }

    /**
     * One finished scenario.
     *
     * @param pathIds the catalog ids among its tags ({@code CV-02}), without the {@code @}; may be empty
     * @param failure present unless the scenario passed or was skipped
     */
    public record ScenarioResult(List<String> pathIds, String name, Status status, Duration duration,
                                 Optional<Failure> failure) {

        public ScenarioResult {
            pathIds = List.copyOf(pathIds);
            name = Pans.maskAll(name);
        }

        public boolean badInput() {
            return failure.map(Failure::badInput).orElse(false);
        }

        public boolean brokenProgram() {
            return failure.map(f -> f.cause() == Cause.BROKEN_PROGRAM).orElse(false);
        }
    }

    /** The step that took longest, to point at where a slow run spends its time. */
    public record SlowStep(String text, String scenario, Duration duration) {

        public SlowStep {
            text = Pans.maskAll(text);
            scenario = Pans.maskAll(scenario);
        }
    }

    /**
     * A whole run.
     *
     * @param runFailure a failure outside every scenario (a feature that does not parse, a
     *                   BeforeAll hook that threw)
     */
    public record Result(List<ScenarioResult> scenarios, Duration wall, Optional<SlowStep> slowest,
                         Optional<Failure> runFailure) {

        public Result {
            scenarios = List.copyOf(scenarios);
        }

        public int passed() {
            return count(Status.PASSED);
        }

        public int skipped() {
            return count(Status.SKIPPED);
        }

        /** Every scenario that neither passed nor was skipped nor interrupted: failed, undefined, pending, ambiguous. */
        public int failed() {
            return scenarios.size() - passed() - skipped() - interrupted() - rigFaults();
        }

        /** Scenarios the rig failed (its serial device went away): no verdict on the terminal. */
        public int rigFaults() {
            return (int) scenarios.stream()
                    .filter(s -> s.failure().filter(f -> f.cause() == Cause.RIG_FAULT).isPresent()).count();
        }

        /** Scenarios cut short or never begun because posbench was told to stop. */
        public int interrupted() {
            return (int) scenarios.stream().filter(s -> s.status() != Status.SKIPPED)
                    .filter(s -> s.failure().filter(f -> f.cause() == Cause.INTERRUPTED).isPresent()).count();
        }

        /** The terminal program's contract violation that made the run meaningless, if one did. */
        public Optional<Failure> brokenProgram() {
            return Stream.concat(runFailure.stream(), scenarios.stream().flatMap(s -> s.failure().stream()))
                    .filter(f -> f.cause() == Cause.BROKEN_PROGRAM)
                    .findFirst();
        }

        /** Whether any scenario, or the run itself, failed on bad input rather than on the terminal. */
        public boolean hasBadInput() {
            return runFailure.map(Failure::badInput).orElse(false)
                    || scenarios.stream().anyMatch(ScenarioResult::badInput);
        }

        private int count(Status status) {
            return (int) scenarios.stream().filter(s -> s.status() == status).count();
        }

        /**
         * The summary as printed at the end of a run: one row per scenario (path ids, outcome,
         * time, name, and under a failure its first line), the totals, the wall time, the slowest
         * step, the bad-input failures, and where the report is.
         *
         * @param reportIndex the report's index.html, or null when no report was generated
         */
        public String render(Path reportIndex) {
            StringBuilder out = new StringBuilder();
            int idWidth = "PATH".length();
            for (ScenarioResult s : scenarios) {
                idWidth = Math.max(idWidth, ids(s).length());
            }
            int outcomeWidth = scenarios.stream().mapToInt(s -> outcome(s).length()).max().orElse(0);
            outcomeWidth = Math.max(outcomeWidth, "OUTCOME".length());
            out.append(String.format(Locale.ROOT, "%-" + idWidth + "s  %-" + outcomeWidth + "s  %7s  %s%n",
                    "PATH", "OUTCOME", "TIME", "SCENARIO"));
            for (ScenarioResult s : scenarios) {
                out.append(row(s, idWidth, outcomeWidth));
            }
            if (scenarios.isEmpty()) {
                out.append("(no scenario ran)\n");
            }
            out.append(passed()).append(" passed, ").append(failed()).append(" failed\n");
            if (rigFaults() > 0) {
                out.append(rigFaults()).append(" rig fault").append(rigFaults() == 1 ? "" : "s")
                        .append(": the rig failed, not the terminal; no verdict\n");
            }
            if (interrupted() > 0) {
                out.append(interrupted()).append(" interrupted: posbench was told to stop before they could end\n");
            }
            if (skipped() > 0) {
                out.append(skipped()).append(" not applicable (the profile says the terminal lacks what they need)\n");
            }
            runFailure.ifPresent(f -> out.append("run failed").append(f.badInput() ? " on bad input: " : ": ")
                    .append(f.message()).append('\n'));
            out.append("wall time ").append(time(wall)).append('\n');
            slowest.ifPresent(s -> out.append("slowest step ").append(time(s.duration())).append(": ")
                    .append(s.text()).append(" (").append(s.scenario()).append(")\n"));
            List<ScenarioResult> bad = scenarios.stream().filter(ScenarioResult::badInput).toList();
            if (!bad.isEmpty()) {
                out.append("bad input (the configuration or a feature is wrong, not the terminal):\n");
                for (ScenarioResult s : bad) {
                    out.append("  ").append(ids(s)).append(' ').append(s.name()).append(": ")
                            .append(s.failure().orElseThrow().message()).append('\n');
                }
            }
            brokenProgram().ifPresent(f -> out.append("no verdict on the terminal: ").append(f.message()).append('\n'));
            out.append("report: ").append(reportIndex == null ? "not generated" : reportIndex.toString()).append('\n');
            return out.toString();
        }

        /**
         * One scenario as the summary shows it: its ids, outcome, time and name in columns this
         * wide, and under a failure of the terminal its first line. The live console prints the same.
         */
        public static String row(ScenarioResult s, int idWidth, int outcomeWidth) {
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                    "%-" + idWidth + "s  %-" + outcomeWidth + "s  %7s  %s%n", ids(s), outcome(s), time(s.duration()), s.name()));
            if (!s.badInput() && !s.brokenProgram()) {
                String indent = " ".repeat(idWidth + 2 + outcomeWidth + 2 + 7 + 2);
                s.failure().ifPresent(f -> out.append(indent).append(f.message()).append('\n'));
            }
            return out.toString();
        }

        private static String ids(ScenarioResult s) {
            return s.pathIds().isEmpty() ? "-" : String.join(",", s.pathIds());
        }

        private static String outcome(ScenarioResult s) {
            if (s.brokenProgram()) {
                return "NO VERDICT";
            }
            if (s.status() == Status.SKIPPED) {
                return "NOT APPLICABLE";
            }
            if (s.failure().filter(f -> f.cause() == Cause.INTERRUPTED).isPresent()) {
                return "INTERRUPTED";
            }
            if (s.failure().filter(f -> f.cause() == Cause.RIG_FAULT).isPresent()) {
                return "RIG FAULT";
            }
            return s.badInput() ? "BAD INPUT" : s.status().name();
        }

        static String time(Duration d) {
            long millis = d.toMillis();
            if (millis < 60_000) {
                return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
            }
            return String.format(Locale.ROOT, "%dm%02ds", millis / 60_000, (millis / 1000) % 60);
        }
    }
}
