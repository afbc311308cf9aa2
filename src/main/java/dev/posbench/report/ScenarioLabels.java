package dev.posbench.report;

import io.qameta.allure.AllureResultsWriter;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.Link;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.model.TestResultContainer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Adds to every scenario's result the labels that let a report be read by catalog id, family and
 * profile: a {@code catalogId} label per catalog id among its tags, with a link to the id's entry
 * in the catalog; its {@code family} (the features folder it sits in, also the Behaviors tab's
 * epic); and the {@code profile} it ran against.
 *
 * <p>Done as the result is written rather than from a hook: a Cucumber hook runs inside an Allure
 * fixture, where the test case cannot be labelled, and a scenario whose first hook failed must be
 * found by its id all the same.
 */
final class ScenarioLabels implements AllureResultsWriter {

    /** A catalog id: {@code CV-02}, {@code HC-01}. */
    static final Pattern CATALOG_ID = Pattern.compile("[A-Z]{2,3}-\\d+");
    /** Where a feature file sits: {@code features/host/host.feature:6} is of the family {@code host}. */
    private static final Pattern FAMILY = Pattern.compile("(?:^|/)([^/]+)/[^/]+\\.feature(?::\\d+)*$");

    /**
     * Where a catalog id links to: this variable with {@code {id}} in it when set (a CI server puts
     * the catalog's web address there), else the catalog document beside the project, else the
     * project's own list of ids.
     */
    static final String CATALOG_URL_VARIABLE = "POSBENCH_CATALOG_URL";

    private final AllureResultsWriter delegate;
    private final String profile;

    ScenarioLabels(AllureResultsWriter delegate, String profile) {
        this.delegate = delegate;
        this.profile = profile;
    }

    @Override
    public void write(TestResult result) {
        List<Label> labels = new ArrayList<>(result.getLabels() == null ? List.of() : result.getLabels());
        List<Link> links = new ArrayList<>(result.getLinks() == null ? List.of() : result.getLinks());
        for (String id : catalogIds(labels)) {
            labels.add(new Label().setName("catalogId").setValue(id));
            links.add(new Link().setName(id + " in the catalog").setType("catalog").setUrl(catalogUrl(id)));
        }
        family(result.getFullName()).ifPresent(family -> {
            labels.add(new Label().setName("family").setValue(family));
            labels.add(new Label().setName("epic").setValue(family));
        });
        if (profile != null) {
            labels.add(new Label().setName("profile").setValue(profile));
        }
        result.setLabels(labels);
        result.setLinks(links);
        delegate.write(result);
    }

    @Override
    public void write(TestResultContainer container) {
        delegate.write(container);
    }

    @Override
    public void write(String source, InputStream attachment) {
        delegate.write(source, attachment);
    }

    /** The catalog ids among the result's tags (Cucumber's adapter writes each tag as a {@code tag} label). */
    static List<String> catalogIds(List<Label> labels) {
        return catalogIdsOfTags(labels.stream().filter(l -> "tag".equals(l.getName()) && l.getValue() != null)
                .map(Label::getValue).toList());
    }

    /** The catalog ids among Cucumber tags ({@code @HC-01}), without the {@code @}. */
    public static List<String> catalogIdsOfTags(java.util.Collection<String> tags) {
        return tags.stream().map(t -> t.replaceFirst("^@", "")).filter(t -> CATALOG_ID.matcher(t).matches())
                .distinct().toList();
    }

    static java.util.Optional<String> family(String fullName) {
        if (fullName == null) {
            return java.util.Optional.empty();
        }
        Matcher m = FAMILY.matcher(fullName);
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    static String catalogUrl(String id) {
        String pattern = System.getenv(CATALOG_URL_VARIABLE);
        if (pattern != null && !pattern.isBlank()) {
            return pattern.replace("{id}", id);
        }
        Path spec = Path.of("..", "shared", "spec", "failure-paths.md");
        Path file = Files.isRegularFile(spec) ? spec : Path.of("features", "catalog.yaml");
        return file.toAbsolutePath().normalize().toUri() + "#" + id;
    }
}
