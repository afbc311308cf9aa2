package dev.posbench.bank;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.common.Json;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.matching.CustomMatcherDefinition;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.posbench.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads the bank's WireMock mapping files and checks them before WireMock sees them, so a typo in
 * a mapping is reported at start, with its file, instead of as a 404 in the middle of a run.
 *
 * <p>Two rules make the files independent of bank.yaml and of each other:
 * <ul>
 *   <li>A mapping that names no URL matches the path from bank.yaml ({@code urlPath} is added).</li>
 *   <li>Priorities: base mappings have priority {@value #BASE_PRIORITY} or higher (default
 *       {@value #BASE_PRIORITY}), answer mappings lower than that (default {@value #ANSWER_PRIORITY}),
 *       so an answer a scenario picks always wins over the bank's normal behaviour. WireMock
 *       prefers the lower number.</li>
 * </ul>
 * Ids in the files are dropped: each load gets fresh ones, so the same answer can be picked twice.
 */
final class MappingFiles {

    static final int BASE_PRIORITY = 100;
    static final int ANSWER_PRIORITY = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> URL_KEYS = List.of("url", "urlPath", "urlPattern", "urlPathPattern", "urlPathTemplate");
    private static final Set<String> TRANSFORMERS = Set.of(IsoAnswer.NAME, "response-template");

    enum Kind { BASE, ANSWER }

    private MappingFiles() {}

    /** The {@code *.json} files of a mapping directory, sorted by name. */
    static List<Path> jsonFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir.toString(), "no such directory of bank mappings");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new BadInputException(dir.toString(), "cannot list the bank mappings: " + e.getMessage(), e);
        }
    }

    /**
     * The mappings of one file (a single mapping, or WireMock's {@code {"mappings":[...]}}), each
     * normalised as the class comment says and checked, as WireMock JSON.
     */
    static List<String> read(Path file, Kind kind, String urlPath) {
        String where = file.toString();
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new BadInputException(where, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadInputException(where, "cannot read: " + e.getMessage(), e);
        }
        List<JsonNode> mappings = new ArrayList<>();
        if (root != null && root.isObject() && root.has("mappings")) {
            if (!root.get("mappings").isArray()) {
                throw new BadInputException(where, "\"mappings\" must be an array of WireMock mappings");
            }
            root.get("mappings").forEach(mappings::add);
        } else {
            mappings.add(root);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < mappings.size(); i++) {
            String at = mappings.size() == 1 ? where : where + " mappings[" + i + "]";
            out.add(normalise(mappings.get(i), kind, urlPath, at));
        }
        return out;
    }

    /** A fresh WireMock stub of a mapping that {@link #read} returned. */
    static StubMapping stub(String mappingJson) {
        return Json.read(mappingJson, StubMapping.class);
    }

    private static String normalise(JsonNode node, Kind kind, String urlPath, String where) {
        if (node == null || !node.isObject() || !node.path("request").isObject() || !node.path("response").isObject()) {
            throw new BadInputException(where, "a WireMock mapping needs a \"request\" and a \"response\" object");
        }
        ObjectNode mapping = ((ObjectNode) node).deepCopy();
        mapping.remove(List.of("id", "uuid"));
        ObjectNode request = (ObjectNode) mapping.get("request");
        if (URL_KEYS.stream().noneMatch(request::has)) {
            request.put("urlPath", urlPath);
        }
        JsonNode priority = mapping.get("priority");
        if (priority == null || priority.isNull()) {
            mapping.put("priority", kind == Kind.BASE ? BASE_PRIORITY : ANSWER_PRIORITY);
        } else if (!priority.canConvertToInt()) {
            throw new BadInputException(where, "priority must be a whole number");
        } else if (kind == Kind.BASE && priority.asInt() < BASE_PRIORITY) {
            throw new BadInputException(where, "a base mapping's priority must be " + BASE_PRIORITY
                    + " or more, so the answers a scenario picks win over it (WireMock prefers lower numbers)");
        } else if (kind == Kind.ANSWER && priority.asInt() >= BASE_PRIORITY) {
            throw new BadInputException(where, "an answer mapping's priority must be below " + BASE_PRIORITY
                    + ", or it would lose to the base mappings (WireMock prefers lower numbers)");
        }
        String json = mapping.toString();
        StubMapping stub;
        try {
            stub = stub(json);
        } catch (RuntimeException e) {
            throw new BadInputException(where, "not a WireMock mapping: " + e.getMessage(), e);
        }
        check(stub).ifPresent(problem -> {
            throw new BadInputException(where, problem);
        });
        return json;
    }

    private static Optional<String> check(StubMapping stub) {
        CustomMatcherDefinition matcher = stub.getRequest().getCustomMatcher();
        if (matcher != null) {
            if (!PinCheck.NAME.equals(matcher.getName())) {
                return Optional.of("unknown customMatcher \"" + matcher.getName() + "\"; the bank has " + PinCheck.NAME);
            }
            Optional<String> problem = PinCheck.parameterProblem(matcher.getParameters());
            if (problem.isPresent()) {
                return problem;
            }
        }
        ResponseDefinition response = stub.getResponse();
        List<String> transformers = response.getTransformers() == null ? List.of() : response.getTransformers();
        for (String name : transformers) {
            if (!TRANSFORMERS.contains(name)) {
                return Optional.of("unknown transformer \"" + name + "\"; the bank has " + TRANSFORMERS.stream().sorted().toList());
            }
        }
        if (transformers.contains(IsoAnswer.NAME)) {
            try {
                IsoAnswer.template(response.getJsonBody());
            } catch (IllegalArgumentException e) {
                return Optional.of(e.getMessage());
            }
            return IsoAnswer.parameterProblem(response.getTransformerParameters());
        }
        return Optional.empty();
    }
}
