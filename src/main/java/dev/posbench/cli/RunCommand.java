package dev.posbench.cli;

import dev.posbench.BadInputException;
import dev.posbench.Interruption;
import dev.posbench.bench.Bench;
import dev.posbench.bench.Benches;
import dev.posbench.config.BenchConfig;
import dev.posbench.report.AllureReport;
import dev.posbench.report.LiveConsole;
import dev.posbench.report.RunEvidence;
import dev.posbench.report.RunSummary;
import dev.posbench.report.WrittenFiles;
import dev.posbench.steps.BenchLabels;
import dev.posbench.steps.BenchRun;
import io.cucumber.core.options.CommandlineOptionsParser;
import io.cucumber.core.options.RuntimeOptions;
import io.cucumber.core.options.RuntimeOptionsBuilder;
import io.cucumber.core.exception.CucumberException;
import io.cucumber.core.gherkin.FeatureParserException;
import io.cucumber.core.runtime.Runtime;
import io.cucumber.plugin.event.Status;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.cucumber7jvm.AllureCucumber7Jvm;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code posbench run}: the failure-path suite on the configured rig, with its Allure report. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the failure-path scenarios on the rig in the configuration folder, write the Allure "
                + "report, print a summary.",
                "Exit codes: 0 all passed, 1 a scenario failed, 2 bad usage or configuration, 3 posbench could not finish, "
                        + "4 the terminal program broke the terminal contract, 130/143 stopped by SIGINT/SIGTERM."})
final class RunCommand implements Callable<Integer> {

    /** The glue that ships with posbench; --glue adds a user's own packages to it. */
    static final String GLUE = "dev.posbench.steps";

    @Option(names = "--config", paramLabel = "DIR", defaultValue = "bench-config",
            description = "Configuration folder (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--profile", paramLabel = "FILE",
            description = "A terminal profile instead of the one rig.yaml names (the same rig and deck, "
                    + "another setting of the terminal).")
    Path profile;

    @Option(names = "--features", paramLabel = "PATH", split = ",",
            description = "Feature files or folders, a path may end in :LINE (default: features).")
    List<String> features = new ArrayList<>(List.of("features"));

    @Option(names = "--tags", paramLabel = "EXPRESSION",
            description = "Only scenarios matching this tag expression, e.g. \"@CV-01 or @HC-01\".")
    String tags;

    @Option(names = "--name", paramLabel = "REGEX",
            description = "Only scenarios whose name this regular expression finds, e.g. \"expired\" (with --tags: both).")
    String name;

    @Option(names = "--glue", paramLabel = "PACKAGE", description = "A package of your own step definitions (repeatable).")
    List<String> glue = new ArrayList<>();

    @Option(names = "--sim-defect", paramLabel = "NAME",
            description = "Give the simulated terminal a seeded defect, to watch the scenarios catch it (repeatable).")
    List<String> simDefects = new ArrayList<>();

    @Option(names = "--reports", paramLabel = "DIR", defaultValue = "reports",
            description = "Where the Allure results and HTML report go (default: ${DEFAULT-VALUE}).")
    Path reports;

    @Mixin
    HtmlReportOptions html = new HtmlReportOptions();

    @Option(names = "--benches", paramLabel = "N",
            description = "Simulated benches side by side, each with its own serial cable, bank, terminal program and "
                    + "pins; scenarios go to the next free bench, longest first (default: by the machine's cores; "
                    + "a real rig is one bench).")
    Integer benches;

    @Option(names = "--shard", paramLabel = "I/N",
            description = "Run only the I-th of N parts of the scenarios, balanced by their last times: one part per "
                    + "rig of a shelf, all given the same --times file (default: 1/1, everything).")
    String shard;

    @Option(names = "--times", paramLabel = "FILE",
            description = "How long each scenario took last time, for ordering and sharding (default: "
                    + "<reports>/scenario-times.tsv, which every run rewrites with what it measured; give every rig of a "
                    + "shelf the same file, e.g. the one `posbench merge` wrote).")
    Path times;

    @Option(names = "--rig-id", paramLabel = "NAME",
            description = "This rig's name in the report, its lane when several rigs' results are merged "
                    + "(default: POSBENCH_RIG_ID, else the host name).")
    String rigId;

    @Spec
    CommandSpec spec;

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public Integer call() {
        BenchConfig loaded = BenchConfig.load(config, java.util.Optional.ofNullable(profile));
        for (String f : features) {
            Path p = Path.of(f.replaceFirst(":\\d+(:\\d+)*$", ""));
            if (!Files.exists(p)) {
                throw new BadInputException(f + " (--features)", "no such feature file or folder");
            }
        }
        html.allureHomeChecked(); // before any pin moves: a report that cannot be made is bad input now
        Schedule.Shard part = shard == null ? Schedule.Shard.WHOLE : Schedule.Shard.parse(shard);
        int count = benchCount(loaded);
        Schedule schedule = new Schedule(times != null ? times : reports.resolve("scenario-times.tsv"), part);
        RuntimeOptions options = new RuntimeOptionsBuilder().setThreads(count).setPickleOrder(schedule)
                .build(cucumberOptions());
        String rig = rigName();

        AtomicReference<Benches> running = new AtomicReference<>();
        try (Interruption.Watch watch = Interruption.watch(why -> Optional.ofNullable(running.get())
                .ifPresent(b -> b.interrupt(why)))) {
            return run(loaded, options, schedule, new Plan(count, rig, part), running);
        }
    }

    /** How this run is laid out: its benches, the rig's name, its part of the scenarios. */
    private record Plan(int benches, String rig, Schedule.Shard part) {}

    private int run(BenchConfig loaded, RuntimeOptions options, Schedule schedule, Plan plan,
                    AtomicReference<Benches> running) {
        int count = plan.benches();
        String rig = plan.rig();
        Path results = reports.resolve("allure-results");
        RunSummary.Result result;
        RunSummary summary;
        Optional<String> gone;
        try (Benches started = Benches.start(loaded, new LinkedHashSet<>(simDefects), count)) {
            running.set(started);
            // a signal while the first bench was starting found nothing to stop yet
            Interruption.signal().ifPresent(started::interrupt);
            LiveConsole live = new LiveConsole(out(), LiveConsole.onTerminal(), count);
            schedule.onPlan(live::plan);
            summary = new RunSummary(live::finished);
            // Results start empty only once the benches are up: a run that cannot start keeps the last report whole.
            AllureLifecycle lifecycle = AllureReport.prepareResults(results, loaded.profile().name());
            try (AllureReport.Binding evidence = AllureReport.bind(lifecycle);
                    BenchRun run = BenchRun.attach(started, rig)) {
                Runtime.builder()
                        .withRuntimeOptions(options)
                        .withClassLoader(() -> RunCommand.class.getClassLoader())
                        .withAdditionalPlugins(summary, live, schedule, new AllureCucumber7Jvm(lifecycle), new BenchLabels())
                        .build()
                        .run();
                // after the run: by now the terminal has said which firmware it runs
                AllureReport.writeEnvironment(results, environment(loaded, rig, count, plan.part(), started.first()));
            } catch (FeatureParserException e) {
                throw new BadInputException("features", e.getMessage());
            }
            result = summary.result().orElseThrow(() -> new IllegalStateException("the run left no summary"));
            gone = started.gone();
            if (Interruption.signal().isPresent()) {
                // what the rig itself recorded, not a claim: each bench's last actuations are its safe state
                started.lastSafeStates().forEach(line -> err().println("posbench: " + line));
            }
        }
        schedule.save(reports.resolve("scenario-times.tsv"));
        // Cucumber's JUnit formatter writes messages as they were thrown: mask them as every other piece of evidence
        WrittenFiles.maskPans(reports.resolve("junit.xml"));
        Path index = RunEvidence.publish(reports, results, html.allureHomeChecked());
        out().print(result.render(index));
        out().flush();
        List<String> leaks = WrittenFiles.panLeaks(reports, loaded.pans());
        if (!leaks.isEmpty()) {
            out().println("INV-2 violated in what this run wrote:\n  " + String.join("\n  ", leaks));
        }
        Optional<Integer> interrupted = Interruption.exitCode();
        if (interrupted.isPresent()) {
            err().println("posbench: stopped by " + Interruption.signal().orElseThrow() + "; the rig is safe, and the "
                    + "results, summary and report above cover the scenarios that ran");
            return interrupted.get();
        }
        if (result.rigFaults() > 0) {
            err().println("posbench: " + result.rigFaults() + " scenario(s) got no verdict: the rig failed"
                    + gone.map(g -> "; the run stopped: " + g).orElse(" (the serial device went away and came back)"));
            return ExitCode.BENCH_ERROR;
        }
        if (result.scenarios().isEmpty()) {
            err().println("posbench: no scenario matched" + (tags == null ? "" : " --tags " + tags)
                    + (name == null ? "" : " --name " + name) + " in " + String.join(", ", features));
            return ExitCode.BAD_INPUT;
        }
        boolean undefined = result.scenarios().stream().anyMatch(s -> s.status() == Status.UNDEFINED);
        if (undefined) {
            err().println("posbench: a step matches no step definition (see UNDEFINED above; "
                    + "the README lists the steps)");
        }
        if (result.brokenProgram().isPresent()) {
            err().println("posbench: " + result.brokenProgram().get().message().lines().findFirst().orElse(""));
            return ExitCode.BROKEN_PROGRAM;
        }
        if (result.hasBadInput() || undefined) {
            return ExitCode.BAD_INPUT;
        }
        return result.failed() == 0 && leaks.isEmpty() ? ExitCode.PASSED : ExitCode.FAILED;
    }

    private RuntimeOptions cucumberOptions() {
        // Cucumber prints no advertisement for its publishing service when it is told not to publish
        System.setProperty("cucumber.publish.quiet", "true");
        List<String> argv = new ArrayList<>(List.of("--glue", GLUE, "--monochrome", "--no-summary",
                // for CI servers that read JUnit XML only
                "--plugin", "junit:" + reports.resolve("junit.xml")));
        for (String g : glue) {
            argv.add("--glue");
            argv.add(g);
        }
        if (tags != null) {
            argv.add("--tags");
            argv.add(tags);
        }
        if (name != null) {
            try {
                java.util.regex.Pattern.compile(name);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new BadInputException("--name " + name, "not a regular expression: " + e.getDescription());
            }
            argv.add("--name");
            argv.add(name);
        }
        argv.addAll(features);
        ByteArrayOutputStream complaints = new ByteArrayOutputStream();
        CommandlineOptionsParser parser = new CommandlineOptionsParser(complaints);
        RuntimeOptions options;
        try {
            options = parser.parse(argv.toArray(String[]::new)).build();
        } catch (RuntimeException e) {
            throw new BadInputException("--tags " + tags, e.getMessage());
        }
        if (parser.exitStatus().isPresent()) {
            throw new BadInputException("run options", complaints.toString().strip());
        }
        return options;
    }

    /** One bench on a real rig; on the simulated rig as asked, else about two per core (the benches mostly wait). */
    private int benchCount(BenchConfig loaded) {
        boolean real = loaded.rig().kind() == dev.posbench.rig.RigSpec.Kind.PI;
        if (benches == null) {
            return real ? 1 : Math.clamp(2L * java.lang.Runtime.getRuntime().availableProcessors(), 1, 4);
        }
        if (benches < 1 || benches > MAX_BENCHES) {
            throw new BadInputException("--benches " + benches, "between 1 and " + MAX_BENCHES);
        }
        if (real && benches > 1) {
            throw new BadInputException("--benches " + benches, "a real rig is one bench; run one posbench per rig, "
                    + "each with --shard I/N, and `posbench merge` their results");
        }
        return benches;
    }

    /** Each simulated bench holds two pseudo-terminals, a bank, a terminal process and its threads. */
    static final int MAX_BENCHES = 16;

    private String rigName() {
        if (rigId != null && !rigId.isBlank()) {
            return rigId.strip();
        }
        String fromEnv = System.getenv("POSBENCH_RIG_ID");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "rig";
        }
    }

    private Map<String, String> environment(BenchConfig loaded, String rig, int count, Schedule.Shard part, Bench bench) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("posbench", Main.VERSION);
        env.put("rig", rig + " (" + loaded.rig().kind().name().toLowerCase()
                + (count > 1 ? ", " + count + " benches" : "") + ")");
        if (part.count() > 1) {
            env.put("shard", part.index() + "/" + part.count());
        }
        env.put("terminal", loaded.profile().name());
        env.put("profile", loaded.profile().file().toString());
        env.put("firmware", bench.program().flatMap(p -> p.firmware()).orElse("not reported by the terminal"));
        env.put("host dialect", "ISO 8583 fields as JSON over HTTP");
        env.put("cards", String.valueOf(loaded.deck().cards().size()));
        if (!simDefects.isEmpty() || !loaded.rig().simDefects().isEmpty()) {
            var all = new LinkedHashSet<>(loaded.rig().simDefects());
            all.addAll(simDefects);
            env.put("seeded defects", String.join(", ", all));
        }
        return env;
    }
}
