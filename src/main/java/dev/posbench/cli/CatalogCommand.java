package dev.posbench.cli;

import dev.posbench.report.Catalog;
import dev.posbench.report.Catalog.Scenario;
import dev.posbench.report.Catalog.Variant;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
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

    @Override
    public Integer call() throws IOException {
        List<Variant> variants = Catalog.variants(catalog);
        List<Scenario> scenarios = Catalog.scenarios(features);
        Map<String, Map<String, String>> results = Catalog.resultsByProfile(reports); // profile -> scenario name -> status
        StringBuilder out = new StringBuilder();
        int uncovered = 0;
        for (Variant v : variants) {
            List<Scenario> covering = Catalog.covering(v, scenarios);
            if (covering.isEmpty()) {
                uncovered++;
            }
            out.append(String.format(Locale.ROOT, "%-6s %-58s %s%n", v.id(), v.name(),
                    covering.isEmpty() ? "NO SCENARIO" : covering.size() + (covering.size() == 1 ? " scenario" : " scenarios")));
            for (Map.Entry<String, Map<String, String>> profile : results.entrySet()) {
                out.append(String.format(Locale.ROOT, "         %-56s %s%n", profile.getKey(),
                        Catalog.combined(covering, profile.getValue())));
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
}
