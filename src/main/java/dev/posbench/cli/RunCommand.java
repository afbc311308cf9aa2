package dev.posbench.cli;

import dev.posbench.BadInputException;
import dev.posbench.bench.Bench;
import dev.posbench.config.BenchConfig;
import dev.posbench.report.AllureReport;
import dev.posbench.report.Catalog;
import dev.posbench.report.LiveConsole;
import dev.posbench.report.RunEvidence;
import dev.posbench.report.RunSummary;
import dev.posbench.report.WrittenFiles;
import dev.posbench.steps.BenchRun;
import io.cucumber.core.options.CommandlineOptionsParser;
import io.cucumber.core.options.RuntimeOptions;
import io.cucumber.core.exception.CucumberException;
import io.cucumber.core.gherkin.FeatureParserException;
import io.cucumber.core.runtime.Runtime;
import io.cucumber.plugin.event.Status;
import io.qameta.allure.Allure;
import io.qameta.allure.cucumber7jvm.AllureCucumber7Jvm;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code posbench run}: the failure-path suite on the configured rig, with its Allure report. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the failure-path scenarios on the rig in the configuration folder, write the Allure "
                + "report, print a summary.",
                "Exit codes: 0 all passed, 1 a scenario failed, 2 bad usage or configuration, 3 posbench could not finish, "
                        + "4 the terminal program broke the terminal contract."})
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

    @Option(names = "--glue", paramLabel = "PACKAGE", description = "A package of your own step definitions (repeatable).")
    List<String> glue = new ArrayList<>();

    @Option(names = "--sim-defect", paramLabel = "NAME",
            description = "Give the simulated terminal a seeded defect, to watch the scenarios catch it (repeatable).")
    List<String> simDefects = new ArrayList<>();

    @Option(names = "--reports", paramLabel = "DIR", defaultValue = "reports",
            description = "Where the Allure results and HTML report go (default: ${DEFAULT-VALUE}).")
    Path reports;

    @Option(names = "--no-html", description = "Write the Allure results only, not the HTML report.")
    boolean noHtml;

    @Option(names = "--allure-home", paramLabel = "DIR", defaultValue = "target/allure/allure-2.34.0",
            description = "The Allure command line that renders the HTML report (default: ${DEFAULT-VALUE}).")
    Path allureHome;

    @Override
    public Integer call() {
        BenchConfig loaded = BenchConfig.load(config, java.util.Optional.ofNullable(profile));
        for (String f : features) {
            Path p = Path.of(f.replaceFirst(":\\d+(:\\d+)*$", ""));
            if (!Files.exists(p)) {
                throw new BadInputException(f + " (--features)", "no such feature file or folder");
            }
        }
        if (!noHtml && !Files.isExecutable(allureHome.resolve("bin/allure"))) {
            throw new BadInputException(allureHome + " (--allure-home)",
                    "no Allure command line there; `./posbench` builds it into target/allure, or pass --no-html");
        }
        RuntimeOptions options = cucumberOptions();

        Path results = reports.resolve("allure-results");
        RunSummary.Result result;
        try (Bench bench = Bench.start(loaded, new LinkedHashSet<>(simDefects));
                RunSummary.Capture capture = RunSummary.capture()) {
            LiveConsole live = new LiveConsole(System.out, LiveConsole.onTerminal(),
                    Catalog.planned(features, tags).orElse(List.of()), LiveConsole.durations(results));
            // Results start empty only once the bench is up: a run that cannot start keeps the last report whole.
            AllureReport.prepareResults(results, loaded.profile().name());
            BenchRun.attach(bench);
            try {
                Runtime.builder()
                        .withRuntimeOptions(options)
                        .withClassLoader(() -> RunCommand.class.getClassLoader())
                        .withAdditionalPlugins(new RunSummary(live::finished), live,
                                new AllureCucumber7Jvm(Allure.getLifecycle()))
                        .build()
                        .run();
                // after the run: by now the terminal has said which firmware it runs
                AllureReport.writeEnvironment(results, environment(loaded, bench));
            } catch (FeatureParserException e) {
                throw new BadInputException("features", e.getMessage());
            } finally {
                BenchRun.detach(bench);
            }
            result = capture.result().orElseThrow(() -> new IllegalStateException("the run left no summary"));
        }
        // Cucumber's JUnit formatter writes messages as they were thrown: mask them as every other piece of evidence
        WrittenFiles.maskPans(reports.resolve("junit.xml"));
        Path index = RunEvidence.publish(reports, results, noHtml ? null : allureHome);
        System.out.print(result.render(index));
        List<String> leaks = WrittenFiles.panLeaks(reports, loaded.pans());
        if (!leaks.isEmpty()) {
            System.out.println("INV-2 violated in what this run wrote:\n  " + String.join("\n  ", leaks));
        }
        if (result.scenarios().isEmpty()) {
            System.err.println("posbench: no scenario matched" + (tags == null ? "" : " --tags " + tags)
                    + " in " + String.join(", ", features));
            return ExitCode.BAD_INPUT;
        }
        boolean undefined = result.scenarios().stream().anyMatch(s -> s.status() == Status.UNDEFINED);
        if (undefined) {
            System.err.println("posbench: a step matches no step definition (see UNDEFINED above; "
                    + "the README lists the steps)");
        }
        if (result.brokenProgram().isPresent()) {
            System.err.println("posbench: " + result.brokenProgram().get().message().lines().findFirst().orElse(""));
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

    private Map<String, String> environment(BenchConfig loaded, Bench bench) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("posbench", Main.VERSION);
        env.put("rig", loaded.rig().kind().name().toLowerCase());
        env.put("rig id", RunEvidence.rigId(loaded.dir(), loaded.rig().kind().name()));
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
