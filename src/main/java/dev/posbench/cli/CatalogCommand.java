package dev.posbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.posbench.BadInputException;
import io.cucumber.gherkin.GherkinParser;
import io.cucumber.messages.types.Envelope;
import io.cucumber.messages.types.Pickle;
import io.cucumber.messages.types.PickleTag;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code posbench catalog}: the coverage matrix. Every catalog id and the variants its row names
 * ({@code features/catalog.yaml}), the scenarios that cover each, and how each ran on each
 * terminal profile in the reports found (passed, failed, not applicable, not run).
 */
@Command(name = "catalog", mixinStandardHelpOptions = true,
        description = {"Print the coverage matrix: each catalog id and variant, its scenarios, and the last result on "
                + "each profile found under --reports.",
                "Exit codes: 0 every id and variant has a scenario, 1 one has none, 2 bad input."})
final class CatalogCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--catalog", paramLabel = "FILE", defaultValue = "features/catalog.yaml",
            description = "The ids and variants (default: ${DEFAULT-VALUE}).")
    Path catalog;

    @Option(names = "--features", paramLabel = "DIR", defaultValue = "features",
            description = "The scenarios (default: ${DEFAULT-VALUE}).")
    Path features;

    @Option(names = "--reports", paramLabel = "DIR", defaultValue = "reports",
            description = "Where runs wrote their Allure results, searched recursively (default: ${DEFAULT-VALUE}).")
    Path reports;

    /** A variant of a catalog path, covered by the scenarios of its id whose name contains {@code match}. */
    record Variant(String id, String name, String match) {}

    /** A scenario as Cucumber compiles it: an outline's rows are scenarios of their own. */
    record Scenario(String name, List<String> ids) {}

    @Override
    public Integer call() throws IOException {
        List<Variant> variants = variants();
        List<Scenario> scenarios = scenarios();
        Map<String, Map<String, String>> results = results(); // profile -> scenario name -> status
        StringBuilder out = new StringBuilder();
        int uncovered = 0;
        for (Variant v : variants) {
            List<Scenario> covering = scenarios.stream()
                    .filter(s -> s.ids().contains(v.id()) && s.name().contains(v.match())).toList();
            if (covering.isEmpty()) {
                uncovered++;
            }
            out.append(String.format(Locale.ROOT, "%-6s %-58s %s%n", v.id(), v.name(),
                    covering.isEmpty() ? "NO SCENARIO" : covering.size() + (covering.size() == 1 ? " scenario" : " scenarios")));
            for (Map.Entry<String, Map<String, String>> profile : results.entrySet()) {
                out.append(String.format(Locale.ROOT, "         %-56s %s%n", profile.getKey(),
                        combined(covering, profile.getValue())));
            }
        }
        List<String> unknown = scenarios.stream().flatMap(s -> s.ids().stream()).distinct()
                .filter(id -> variants.stream().noneMatch(v -> v.id().equals(id))).sorted().toList();
        out.append(variants.size()).append(" variants of ")
                .append(variants.stream().map(Variant::id).distinct().count()).append(" paths, ")
                .append(uncovered).append(" without a scenario\n");
        if (!unknown.isEmpty()) {
            out.append("scenarios tagged with ids the catalog does not list: ").append(String.join(", ", unknown)).append('\n');
        }
        if (results.isEmpty()) {
            out.append("no results under ").append(reports).append(": run ./posbench run first\n");
        }
        spec.commandLine().getOut().print(out);
        return uncovered == 0 ? ExitCode.PASSED : ExitCode.FAILED;
    }

    /** The worst of the covering scenarios' results on one profile. */
    private static String combined(List<Scenario> covering, Map<String, String> statuses) {
        List<String> seen = covering.stream().map(s -> statuses.getOrDefault(s.name(), "not run")).toList();
        for (String status : List.of("failed", "broken", "passed", "not applicable")) {
            if (seen.contains(status)) {
                long n = seen.stream().filter(status::equals).count();
                return status + (seen.size() > 1 ? " (" + n + " of " + seen.size() + ")" : "");
            }
        }
        return "not run";
    }

    private List<Variant> variants() {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(catalog.toFile());
        } catch (IOException e) {
            throw new BadInputException(catalog.toString(), "cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(catalog.toString(), "not a mapping of path ids to their variants");
        }
        List<Variant> variants = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : root.properties()) {
            if (!path.getValue().isArray() || path.getValue().isEmpty()) {
                throw new BadInputException(catalog + ": " + path.getKey(), "a list of { variant, match }");
            }
            for (JsonNode v : path.getValue()) {
                if (!v.path("variant").isTextual() || !v.path("match").isTextual()) {
                    throw new BadInputException(catalog + ": " + path.getKey(), "each variant has a \"variant\" and a \"match\"");
                }
                variants.add(new Variant(path.getKey(), v.get("variant").asText(), v.get("match").asText()));
            }
        }
        return variants;
    }

    private List<Scenario> scenarios() throws IOException {
        if (!Files.isDirectory(features)) {
            throw new BadInputException(features + " (--features)", "no such folder");
        }
        GherkinParser parser = GherkinParser.builder().includeSource(false).includeGherkinDocument(false)
                .includePickles(true).build();
        List<Scenario> scenarios = new ArrayList<>();
        try (Stream<Path> files = Files.walk(features)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".feature")).sorted().toList()) {
                for (Envelope e : parser.parse(f).toList()) {
                    e.getParseError().ifPresent(err -> {
                        throw new BadInputException(f.toString(), "does not parse: " + err.getMessage());
                    });
                    e.getPickle().ifPresent(p -> scenarios.add(new Scenario(p.getName(), ids(p))));
                }
            }
        }
        return scenarios;
    }

    private static List<String> ids(Pickle p) {
        return p.getTags().stream().map(PickleTag::getName).map(t -> t.substring(1))
                .filter(t -> t.matches("[A-Z]{2}-\\d{2}")).distinct().toList();
    }

    /** Each Allure results folder under the reports: the profile it ran on, and each scenario's status there. */
    private Map<String, Map<String, String>> results() throws IOException {
        Map<String, Map<String, String>> byProfile = new TreeMap<>();
        if (!Files.isDirectory(reports)) {
            return byProfile;
        }
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.walk(reports)) {
            for (Path env : files.filter(p -> p.getFileName().toString().equals("environment.properties")).toList()) {
                Properties props = new Properties();
                try (Reader r = Files.newBufferedReader(env, StandardCharsets.UTF_8)) {
                    props.load(r);
                }
                String profile = props.getProperty("profile", env.getParent().toString());
                if (props.containsKey("seeded defects")) {
                    continue; // a run with seeded defects says nothing of the terminal's coverage
                }
                Map<String, String> statuses = byProfile.computeIfAbsent(profile, k -> new LinkedHashMap<>());
                try (Stream<Path> results = Files.list(env.getParent())) {
                    for (Path result : results.filter(p -> p.toString().endsWith("-result.json")).toList()) {
                        JsonNode r = json.readTree(result.toFile());
                        String status = r.path("status").asText("unknown");
                        statuses.put(r.path("name").asText(), status.equals("skipped") ? "not applicable" : status);
                    }
                }
            }
        }
        return byProfile;
    }
}
