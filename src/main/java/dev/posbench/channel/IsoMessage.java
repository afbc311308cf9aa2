package dev.posbench.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A message of the reference bank dialect: ISO 8583 fields carried as JSON over HTTP,
 * {@code {"mti":"0100","fields":{"2":"...","11":"000123"}}}. Field numbers as in ISO 8583
 * (2 PAN, 3 processing code, 4 amount, 11 STAN, 14 expiry, 22 entry mode, 35 track 2, 38 approval
 * code, 39 response code, 41 terminal id, 42 merchant id, 49 currency, 52 PIN block, 55 chip data,
 * 64 MAC); the bench adds no fields of its own.
 */
public record IsoMessage(String mti, Map<Integer, String> fields) {

    public static final String AUTHORIZATION = "0100";
    public static final String AUTHORIZATION_RESPONSE = "0110";
    public static final String REVERSAL = "0400";
    public static final String REVERSAL_RESPONSE = "0410";
    public static final String SIGN_ON = "0800";
    public static final String SIGN_ON_RESPONSE = "0810";

    private static final ObjectMapper JSON = new ObjectMapper();

    public IsoMessage {
        TreeMap<Integer, String> sorted = new TreeMap<>(Comparator.naturalOrder());
        sorted.putAll(fields);
        fields = Collections.unmodifiableSortedMap(sorted);
    }

    public Optional<String> field(int number) {
        return Optional.ofNullable(fields.get(number));
    }

    public IsoMessage with(int number, String value) {
        TreeMap<Integer, String> copy = new TreeMap<>(fields);
        copy.put(number, value);
        return new IsoMessage(mti, copy);
    }

    public IsoMessage without(int number) {
        TreeMap<Integer, String> copy = new TreeMap<>(fields);
        copy.remove(number);
        return new IsoMessage(mti, copy);
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("mti", mti);
        ObjectNode f = root.putObject("fields");
        fields.forEach((k, v) -> f.put(String.valueOf(k), v));
        return root.toString();
    }

    /** Parses a message; anything that is not exactly this shape is malformed. */
    public static IsoMessage parse(String json) throws MalformedMessageException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException("not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedMessageException("not a JSON object");
        }
        JsonNode mti = root.get("mti");
        if (mti == null || !mti.isTextual() || !mti.asText().matches("\\d{4}")) {
            throw new MalformedMessageException("no 4-digit mti");
        }
        JsonNode f = root.get("fields");
        if (f == null || !f.isObject()) {
            throw new MalformedMessageException("no fields object");
        }
        TreeMap<Integer, String> fields = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : f.properties()) {
            if (!e.getKey().matches("\\d{1,3}") || !e.getValue().isTextual()) {
                throw new MalformedMessageException("field " + e.getKey() + " is not a numbered text field");
            }
            fields.put(Integer.parseInt(e.getKey()), e.getValue().asText());
        }
        return new IsoMessage(mti.asText(), fields);
    }

    /** The message cannot be read as the dialect says. */
    public static final class MalformedMessageException extends Exception {
        public MalformedMessageException(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return Pans.maskAll(toJson());
    }
}
