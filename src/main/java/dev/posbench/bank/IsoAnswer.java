package dev.posbench.bank;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.MessageMac;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Response transformer {@code iso-answer}: turns a mapping's answer template into a full answer of
 * the dialect, as a real host builds it from the request. A mapping then says only what is
 * particular to its path ({@code {"fields":{"39":"55"}}}) and stays valid for any request.
 *
 * <p>A request that carries a MAC (field 64) that does not verify is answered A0 whatever the
 * mapping's template says.
 *
 * <p>Transformer parameters: {@code "echo": false} leaves out the echo fields; {@code "mac"}
 * is {@code "sign"} (default), {@code "corrupt"} (a wrong field 64) or {@code "none"} (no field 64);
 * {@code "hold"} is {@code "past-host-timeout"} or {@code "near-host-timeout"}, an answer time
 * derived from the terminal profile's host timeout (see {@link #hold}), so one mapping serves
 * terminals with any timeout. A mapping may still give {@code fixedDelayMilliseconds} instead.
 */
final class IsoAnswer implements ResponseDefinitionTransformerV2 {

    static final String NAME = "iso-answer";
    static final Set<String> MAC_MODES = Set.of("sign", "corrupt", "none");

    /** Fields a host copies from the request so the terminal can pair the answer with it. */
    private static final int[] ECHO_FIELDS = {3, 4, 11, 41, 42};
    private static final int APPROVAL_CODE = 38;
    static final int RESPONSE_CODE = 39;
    /** The answer to a request whose MAC does not verify: MAC error, sign on again. */
    static final String MAC_ERROR = "A0";
    /** How far past the terminal's host timeout a "no answer" hold lasts: the answer must be plainly late. */
    private static final Duration MIN_MARGIN = Duration.ofSeconds(1);
    /** What a "slow but in time" answer leaves of the host timeout, at least. */
    private static final Duration MIN_SLACK = Duration.ofMillis(500);

    /** The {@code hold} parameter: an answer time given by the terminal's host timeout, not in milliseconds. */
    static final Set<String> HOLDS = Set.of("past-host-timeout", "near-host-timeout");

    private final String macKeyHex;
    private final Duration hostTimeout;

    IsoAnswer(String macKeyHex, Duration hostTimeout) {
        this.macKeyHex = macKeyHex;
        this.hostTimeout = hostTimeout;
    }

    /**
     * How long the bank holds an answer for a {@code hold}: past the host timeout by a margin (a
     * fifth of it, at least a second) for "no answer"; 90% of it for "slow but in time", so a
     * terminal that gives up early fails and one that waits its full time passes. A short timeout
     * keeps half a second of it (but the hold never falls below two thirds of it): on a loaded
     * machine the last 10% of 1.5 s is the scheduler's, and the verdict must not be.
     */
    static Duration hold(String kind, Duration hostTimeout) {
        return switch (kind) {
            case "past-host-timeout" -> {
                Duration margin = hostTimeout.dividedBy(5);
                yield hostTimeout.plus(margin.compareTo(MIN_MARGIN) < 0 ? MIN_MARGIN : margin);
            }
            case "near-host-timeout" -> {
                Duration ninety = hostTimeout.multipliedBy(9).dividedBy(10);
                Duration slackLeft = hostTimeout.minus(MIN_SLACK);
                Duration floor = hostTimeout.multipliedBy(2).dividedBy(3);
                Duration near = ninety.compareTo(slackLeft) < 0 ? ninety : slackLeft;
                yield near.compareTo(floor) > 0 ? near : floor;
            }
            default -> throw new IllegalArgumentException("unknown hold " + kind);
        };
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** A template: the answer's mti when the mapping fixes it, and the fields it sets. */
    record Template(Optional<String> mti, Map<Integer, String> fields) {}

    /** Reads a template, or throws {@link IllegalArgumentException} saying what is wrong with it. */
    static Template template(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("the iso-answer template (jsonBody) must be an object like "
                    + "{\"mti\":\"0110\",\"fields\":{\"39\":\"00\"}}");
        }
        Optional<String> mti = Optional.empty();
        JsonNode mtiNode = body.get("mti");
        if (mtiNode != null) {
            if (!mtiNode.isTextual() || !mtiNode.asText().matches("\\d{4}")) {
                throw new IllegalArgumentException("the iso-answer template's mti must be 4 digits in quotes");
            }
            mti = Optional.of(mtiNode.asText());
        }
        Map<Integer, String> fields = new TreeMap<>();
        JsonNode f = body.get("fields");
        if (f != null) {
            if (!f.isObject()) {
                throw new IllegalArgumentException("the iso-answer template's fields must be an object");
            }
            for (Map.Entry<String, JsonNode> e : f.properties()) {
                if (!e.getKey().matches("\\d{1,3}") || !e.getValue().isTextual()) {
                    throw new IllegalArgumentException("the iso-answer template's field " + e.getKey()
                            + " must be numbered and its value text in quotes");
                }
                fields.put(Integer.parseInt(e.getKey()), e.getValue().asText());
            }
        }
        return new Template(mti, fields);
    }

    /** Checks the transformer parameters of a mapping; empty when they are fine. */
    static Optional<String> parameterProblem(Parameters parameters) {
        if (parameters == null) {
            return Optional.empty();
        }
        Object echo = parameters.get("echo");
        if (echo != null && !(echo instanceof Boolean) && !"true".equals(echo) && !"false".equals(echo)) {
            return Optional.of("transformerParameters.echo must be true or false");
        }
        Object hold = parameters.get("hold");
        if (hold != null && !HOLDS.contains(String.valueOf(hold))) {
            return Optional.of("transformerParameters.hold must be one of " + HOLDS.stream().sorted().toList());
        }
        Object mac = parameters.get("mac");
        if (mac != null && !MAC_MODES.contains(String.valueOf(mac))) {
            return Optional.of("transformerParameters.mac must be one of sign, corrupt, none");
        }
        return Optional.empty();
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        ResponseDefinition definition = serveEvent.getResponseDefinition();
        Parameters parameters = definition.getTransformerParameters();
        IsoMessage request;
        try {
            request = IsoMessage.parse(serveEvent.getRequest().getBodyAsString());
        } catch (IsoMessage.MalformedMessageException e) {
            // a host answers garbage with an HTTP error; the journal shows what came in
            return ResponseDefinitionBuilder.like(definition).but()
                    .withStatus(400)
                    .withHeader("Content-Type", "text/plain")
                    .withBody("request is not a message of the bank dialect: " + e.getMessage())
                    .build();
        }
        // a request whose MAC is wrong gets A0 whatever the mapping says, as a host answers it
        boolean badMac = request.field(MessageMac.FIELD).isPresent() && !MessageMac.verify(request, macKeyHex);
        IsoMessage answer = badMac
                ? answer(request, new Template(Optional.empty(), Map.of(RESPONSE_CODE, MAC_ERROR)), true)
                : answer(request, template(definition.getJsonBody()), flag(parameters, "echo", true));
        answer = switch (badMac ? "sign" : macMode(parameters)) {
            case "none" -> answer;
            case "corrupt" -> answer.with(MessageMac.FIELD, corrupt(MessageMac.compute(answer, macKeyHex)));
            default -> MessageMac.sign(answer, macKeyHex);
        };
        ResponseDefinitionBuilder builder = ResponseDefinitionBuilder.like(definition).but().withBody(answer.toJson());
        if (parameters != null && parameters.get("hold") != null) {
            builder.withFixedDelay((int) hold(String.valueOf(parameters.get("hold")), hostTimeout).toMillis());
        }
        if (definition.getHeaders() == null || !definition.getHeaders().getHeader("Content-Type").isPresent()) {
            builder.withHeader("Content-Type", "application/json");
        }
        return builder.build();
    }

    /**
     * The answer a host builds for a request from a template: the echo fields copied (unless
     * {@code echo} is false), the template's fields over them, an approval code for an approval,
     * the answer MTI unless the template fixes one. Unsigned.
     */
    static IsoMessage answer(IsoMessage request, Template template, boolean echo) {
        Map<Integer, String> fields = new TreeMap<>();
        if (echo) {
            for (int n : ECHO_FIELDS) {
                request.field(n).ifPresent(v -> fields.put(n, v));
            }
        }
        fields.putAll(template.fields());
        if ("00".equals(fields.get(RESPONSE_CODE)) && !fields.containsKey(APPROVAL_CODE)) {
            fields.put(APPROVAL_CODE, "%06d".formatted(ThreadLocalRandom.current().nextInt(1_000_000)));
        }
        fields.remove(MessageMac.FIELD);
        String mti = template.mti().orElseGet(() -> "%04d".formatted(Integer.parseInt(request.mti()) + 10));
        return new IsoMessage(mti, fields);
    }

    private static String corrupt(String mac) {
        char first = mac.charAt(0) == '0' ? '1' : '0';
        return first + mac.substring(1);
    }

    private static String macMode(Parameters parameters) {
        return parameters == null ? "sign" : String.valueOf(parameters.getOrDefault("mac", "sign"));
    }

    private static boolean flag(Parameters parameters, String name, boolean otherwise) {
        Object value = parameters == null ? null : parameters.get(name);
        return value == null ? otherwise : Boolean.parseBoolean(String.valueOf(value));
    }
}
