package dev.posbench.report;

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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The catalog as posbench checks its coverage: the ids and variants of {@code features/catalog.yaml},
 * the scenarios that cover each, and how each scenario ran in Allure results. One reading serves
 * the coverage matrix ({@code posbench catalog}) and a run's certification summary.
 */
public final class Catalog {

    /** A variant of a catalog path, covered by the scenarios of its id whose name contains {@code match}. */
    public record Variant(String id, String name, String match) {}

    /** A scenario as Cucumber compiles it: an outline's rows are scenarios of their own. */
    public record Scenario(String name, List<String> ids, List<String> tags) {

        public Scenario {
            ids = List.copyOf(ids);
            tags = List.copyOf(tags);
        }
    }

    private Catalog() {}

    /** The scenarios of {@code variant}: tagged with its id, named with its match. */
    public static List<Scenario> covering(Variant variant, List<Scenario> scenarios) {
        return scenarios.stream().filter(s -> s.ids().contains(variant.id()) && s.name().contains(variant.match()))
                .toList();
    }

    /**
     * The worst of the covering scenarios' results: failed, broken, passed, not applicable, or
     * "not run"; with how many of them when there are several.
     *
     * @param statuses scenario name to its status in one run, as {@link #statuses} reads them
     */
    public static String combined(List<Scenario> covering, Map<String, String> statuses) {
        List<String> seen = covering.stream().map(s -> statuses.getOrDefault(s.name(), "not run")).toList();
        for (String status : List.of("failed", "broken", "passed", "not applicable")) {
            if (seen.contains(status)) {
                long n = seen.stream().filter(status::equals).count();
                return status + (seen.size() > 1 ? " (" + n + " of " + seen.size() + ")" : "");
            }
        }
        return "not run";
    }

    /** The ids and variants of a catalog file, in its order. */
    public static List<Variant> variants(Path catalog) {
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

    /** Every scenario of the feature files under {@code features} (a folder or one file), in file order. */
    public static List<Scenario> scenarios(Path features) {
        if (!Files.exists(features)) {
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
                    e.getPickle().ifPresent(p -> scenarios.add(new Scenario(p.getName(), ids(p),
                            p.getTags().stream().map(PickleTag::getName).toList())));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the features under " + features, e);
        }
        return scenarios;
    }

    private static List<String> ids(Pickle p) {
        return p.getTags().stream().map(PickleTag::getName).map(t -> t.substring(1))
                .filter(t -> t.matches("[A-Z]{2}-\\d{2}")).distinct().toList();
    }

    /**
     * Each Allure results folder under {@code reports} (searched recursively) by the profile it ran
     * on, and each scenario's status there. Runs with seeded defects say nothing of a terminal's
     * coverage and are left out.
     */
    public static Map<String, Map<String, String>> resultsByProfile(Path reports) throws IOException {
        Map<String, Map<String, String>> byProfile = new TreeMap<>();
        if (!Files.isDirectory(reports)) {
            return byProfile;
        }
        try (Stream<Path> files = Files.walk(reports)) {
            for (Path env : files.filter(p -> p.getFileName().toString().equals("environment.properties")).toList()) {
                Properties props = environment(env.getParent());
                if (props.containsKey("seeded defects")) {
                    continue;
                }
                String profile = props.getProperty("profile", env.getParent().toString());
                byProfile.computeIfAbsent(profile, k -> new LinkedHashMap<>()).putAll(statuses(env.getParent()));
            }
        }
        return byProfile;
    }

    /** The environment a run wrote into its results folder (empty when it wrote none). */
    public static Properties environment(Path results) throws IOException {
        Properties props = new Properties();
        Path env = results.resolve("environment.properties");
        if (Files.isRegularFile(env)) {
            try (Reader r = Files.newBufferedReader(env, StandardCharsets.ISO_8859_1)) {
                props.load(r);
            }
        }
        return props;
    }

    /** Each scenario's status in one Allure results folder, by name; skipped reads "not applicable". */
    public static Map<String, String> statuses(Path results) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> statuses = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(results)) {
            for (Path result : files.filter(p -> p.toString().endsWith("-result.json")).sorted().toList()) {
                JsonNode r = json.readTree(result.toFile());
                String status = r.path("status").asText("unknown");
                statuses.put(r.path("name").asText(), status.equals("skipped") ? "not applicable" : status);
            }
        }
        return statuses;
    }
}
