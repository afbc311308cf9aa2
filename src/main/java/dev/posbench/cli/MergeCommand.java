package dev.posbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.posbench.BadInputException;
import dev.posbench.report.AllureReport;
import dev.posbench.report.RunEvidence;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code posbench merge}: the results of a shelf of rigs (one {@code posbench run --shard I/N} each)
 * as one report. Every result already carries its rig (label {@code host}) and bench (label
 * {@code thread}), so Allure's timeline shows a lane per rig; the environment lists every rig.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Merge the Allure results of several rigs' runs (their --reports folders) into one report.",
                "Exit codes: 0 every scenario passed or did not apply, 1 one failed or ran on two rigs, "
                        + "2 bad usage (a folder without results), 3 the report could not be written."})
final class MergeCommand implements Callable<Integer> {

    /** What an Allure 2 adapter writes for each scenario; environment and executor are merged apart. */
    private static final Pattern RESULT_FILE = Pattern.compile(
            "[0-9a-fA-F-]+-(result\\.json|container\\.json|attachment(\\..*)?)");

    @Parameters(paramLabel = "DIR", arity = "1..*",
            description = "Each rig's reports folder (holding allure-results/), or an allure-results folder itself.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--reports", paramLabel = "DIR", defaultValue = "reports/merged",
            description = "Where the merged results and report go (default: ${DEFAULT-VALUE}).")
    Path reports;

    @Mixin
    HtmlReportOptions html = new HtmlReportOptions();

    @Spec
    CommandSpec spec;

    /** One scenario's result, as merged: its rig, its name, its status. */
    private record Merged(String rig, String name, String historyId, String status) {}

    @Override
    public Integer call() throws IOException {
        List<Path> folders = inputs.stream().map(MergeCommand::resultsFolder).toList();
        if (folders.stream().map(f -> f.toAbsolutePath().normalize()).distinct().count() < folders.size()) {
            throw new BadInputException("merge " + inputs.stream().map(Path::toString)
                    .collect(java.util.stream.Collectors.joining(" ")), "a folder is given twice");
        }
        Path allureHome = html.allureHomeChecked();
        Path out = reports.resolve("allure-results");
        AllureReport.prepareResults(out);
        ObjectMapper json = new ObjectMapper();
        List<Merged> merged = new ArrayList<>();
        Map<String, Set<String>> environment = new LinkedHashMap<>();
        for (Path folder : folders) {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (RESULT_FILE.matcher(name).matches()) {
                        // result files are named by UUID: two runs never write the same name
                        Files.copy(f, out.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        if (name.endsWith("-result.json")) {
                            merged.add(read(json.readTree(f.toFile()), folder));
                        }
                    } else if (name.equals("environment.properties")) {
                        readEnvironment(f).forEach((k, v) ->
                                environment.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(v));
                    } else if (name.equals("categories.json")) {
                        // the same posbench writes the same categories on every rig
                        Files.copy(f, out.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        environment.forEach((k, values) -> env.put(k, String.join("; ", values)));
        env.put("merged from", folders.size() + " runs");
        AllureReport.writeEnvironment(out, env);

        // the next night's shards split by what every rig measured tonight
        Schedule.combine(inputs.stream().map(i -> i.resolve("scenario-times.tsv")).toList(),
                reports.resolve("scenario-times.tsv"));
        PrintWriter print = spec.commandLine().getOut();
        int failed = summarize(merged, print);
        // the shelf's report: its certification summary, and the history carried from the last merge
        Path index = RunEvidence.publish(reports, out, allureHome);
        print.println("report: " + (index == null ? "not generated" : index.toAbsolutePath()));
        return failed == 0 ? ExitCode.PASSED : ExitCode.FAILED;
    }

    /** Prints each rig's counts and every scenario that failed or ran on more than one rig; returns how many of those. */
    private static int summarize(List<Merged> merged, PrintWriter print) {
        Map<String, Map<String, Integer>> perRig = new TreeMap<>();
        Map<String, List<Merged>> byScenario = new LinkedHashMap<>();
        for (Merged m : merged) {
            perRig.computeIfAbsent(m.rig(), r -> new TreeMap<>()).merge(m.status(), 1, Integer::sum);
            byScenario.computeIfAbsent(m.historyId(), h -> new ArrayList<>()).add(m);
        }
        perRig.forEach((rig, counts) -> print.println(String.format(Locale.ROOT, "%-24s %s", rig, counts)));
        int bad = 0;
        for (List<Merged> runs : byScenario.values()) {
            if (runs.size() > 1) {
                bad++;
                print.println("ran on " + runs.size() + " rigs (shards overlap: give every rig the same --shard N, "
                        + "--tags and --times): " + runs.getFirst().name() + " on "
                        + String.join(", ", runs.stream().map(Merged::rig).toList()));
            }
            for (Merged m : runs) {
                if (m.status().equals("failed") || m.status().equals("broken")) {
                    bad++;
                    print.println(m.status().toUpperCase(Locale.ROOT) + " on " + m.rig() + ": " + m.name());
                }
            }
        }
        print.println(byScenario.size() + " scenarios from " + perRig.size() + " rigs, " + bad + " failed or repeated");
        return bad;
    }

    private static Merged read(JsonNode result, Path folder) {
        String rig = folder.toString();
        for (JsonNode label : result.path("labels")) {
            if (label.path("name").asText().equals("host")) {
                rig = label.path("value").asText();
            }
        }
        String name = result.path("name").asText();
        return new Merged(rig, name, result.path("historyId").asText(name), result.path("status").asText("unknown"));
    }

    private static Map<String, String> readEnvironment(Path file) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = new LinkedHashMap<>();
        props.stringPropertyNames().stream().sorted().forEach(k -> env.put(k, props.getProperty(k)));
        return env;
    }

    /** The Allure results of one rig's run: the folder itself, or its allure-results. */
    private static Path resultsFolder(Path input) {
        Path nested = input.resolve("allure-results");
        Path folder = Files.isDirectory(nested) ? nested : input;
        if (!Files.isDirectory(folder)) {
            throw new BadInputException(input + " (merge DIR)", "no such folder");
        }
        try (Stream<Path> files = Files.list(folder)) {
            if (files.noneMatch(f -> f.getFileName().toString().endsWith("-result.json"))) {
                throw new BadInputException(input + " (merge DIR)",
                        "holds no Allure results: give each rig's --reports folder or its allure-results");
            }
        } catch (IOException e) {
            throw new BadInputException(input + " (merge DIR)", "cannot be read: " + e.getMessage());
        }
        return folder;
    }
}
