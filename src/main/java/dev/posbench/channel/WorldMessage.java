package dev.posbench.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HexFormat;
import java.util.Locale;

/**
 * One line of the physical-world socket of the terminal contract ({@code docs/terminal-contract.md}):
 * newline-delimited JSON, every object carrying the contract version {@code v} and a {@code type}.
 * Both sides of the seam read and write lines through this one codec, so the document, the bench
 * and the reference terminal cannot disagree on a field's name.
 */
public sealed interface WorldMessage {

    /** The contract version this codec speaks. */
    int VERSION = 1;

    /** The terminal program's first line. */
    record Hello(String program, String version) implements WorldMessage {}

    /** The bench's answer to {@link Hello}; events follow only after it. */
    record Welcome(String bench) implements WorldMessage {}

    /** What the mechanics did, sent by the bench. */
    record Sensed(PhysicalEvent event) implements WorldMessage {}

    /** A command APDU from the terminal's chip reader. */
    record Apdu(long id, Reader reader, byte[] command) implements WorldMessage {
        public Apdu {
            command = command.clone();
        }

        @Override
        public byte[] command() {
            return command.clone();
        }

        @Override
        public String toString() {
            return "Apdu[" + id + ", " + reader.wire + ", " + command.length + " bytes]";
        }
    }

    /** The card's response APDU, status word last. */
    record Rapdu(long id, byte[] response) implements WorldMessage {
        public Rapdu {
            response = response.clone();
        }

        @Override
        public byte[] response() {
            return response.clone();
        }

        @Override
        public String toString() {
            return "Rapdu[" + id + ", " + response.length + " bytes]";
        }
    }

    /** No card on the reader the APDU was sent to (never there, taken out, out of the field). */
    record NoCard(long id) implements WorldMessage {}

    /** The terminal's two card interfaces that speak APDUs. */
    enum Reader {
        CONTACT("contact"), CONTACTLESS("contactless");

        private final String wire;

        Reader(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /** A line that is not a message of this contract version. */
    final class ContractViolation extends Exception {
        public ContractViolation(String message) {
            super(message);
        }
    }

    /** The message as one line, without the newline. */
    default String toLine() {
        ObjectNode o = WireJson.MAPPER.createObjectNode();
        o.put("v", VERSION);
        HexFormat hex = HexFormat.of().withUpperCase();
        switch (this) {
            case Hello h -> o.put("type", "hello").put("program", h.program()).put("version", h.version());
            case Welcome w -> o.put("type", "welcome").put("bench", w.bench());
            case Apdu a -> o.put("type", "apdu").put("id", a.id()).put("reader", a.reader().wire)
                    .put("command", hex.formatHex(a.command));
            case Rapdu r -> o.put("type", "rapdu").put("id", r.id()).put("response", hex.formatHex(r.response));
            case NoCard n -> o.put("type", "rapdu").put("id", n.id()).put("error", "no-card");
            case Sensed(PhysicalEvent event) -> {
                switch (event) {
                    case PhysicalEvent.CardSwiped s -> o.put("type", "swipe").put("stripe", hex.formatHex(s.stripe()))
                            .put("speedCmPerSecond", s.speedCmPerSecond());
                    case PhysicalEvent.CardInserted i -> o.put("type", "insert");
                    case PhysicalEvent.CardRemoved r -> o.put("type", "remove");
                    case PhysicalEvent.CardTapped t -> o.put("type", "tap");
                    case PhysicalEvent.TapEnded t -> o.put("type", "tap-end");
                    case PhysicalEvent.KeyPressed(Key key) -> o.put("type", "key").put("key", key.label());
                }
            }
        }
        return o.toString();
    }

    /**
     * Reads one line. Fields this version does not name are ignored, as the contract allows.
     *
     * @throws ContractViolation when the line is not JSON, carries another version, has an unknown
     *                           type, or lacks a field its type needs; the message says which
     */
    static WorldMessage parse(String line) throws ContractViolation {
        JsonNode o;
        try {
            o = WireJson.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new ContractViolation("not JSON: " + e.getOriginalMessage());
        }
        if (o == null || !o.isObject()) {
            throw new ContractViolation("not a JSON object");
        }
        JsonNode v = o.get("v");
        if (v == null || !v.canConvertToInt()) {
            throw new ContractViolation("no contract version \"v\"");
        }
        if (v.asInt() != VERSION) {
            throw new ContractViolation("contract version " + v.asText() + "; this side speaks version " + VERSION);
        }
        String type = text(o, "type");
        return switch (type) {
            case "hello" -> new Hello(text(o, "program"), o.path("version").asText(""));
            case "welcome" -> new Welcome(text(o, "bench"));
            case "apdu" -> new Apdu(id(o), reader(text(o, "reader")), hex(o, "command"));
            case "rapdu" -> o.has("error") ? noCard(o) : new Rapdu(id(o), hex(o, "response"));
            case "swipe" -> {
                JsonNode speed = o.get("speedCmPerSecond");
                if (speed == null || !speed.isNumber()) {
                    throw new ContractViolation("swipe without a numeric \"speedCmPerSecond\"");
                }
                yield new Sensed(new PhysicalEvent.CardSwiped(hexOrEmpty(o, "stripe"), speed.asDouble()));
            }
            case "insert" -> new Sensed(new PhysicalEvent.CardInserted());
            case "remove" -> new Sensed(new PhysicalEvent.CardRemoved());
            case "tap" -> new Sensed(new PhysicalEvent.CardTapped());
            case "tap-end" -> new Sensed(new PhysicalEvent.TapEnded());
            case "key" -> new Sensed(new PhysicalEvent.KeyPressed(Key.ofLabel(text(o, "key"))
                    .orElseThrow(() -> new ContractViolation("unknown key \"" + o.get("key").asText() + "\""))));
            default -> throw new ContractViolation("unknown message type \"" + type + "\"");
        };
    }

    private static NoCard noCard(JsonNode o) throws ContractViolation {
        String error = text(o, "error");
        if (!error.equals("no-card")) {
            throw new ContractViolation("unknown rapdu error \"" + error + "\"");
        }
        return new NoCard(id(o));
    }

    private static String text(JsonNode o, String field) throws ContractViolation {
        JsonNode n = o.get(field);
        if (n == null || !n.isTextual()) {
            throw new ContractViolation("no text field \"" + field + "\"");
        }
        return n.asText();
    }

    private static long id(JsonNode o) throws ContractViolation {
        JsonNode n = o.get("id");
        if (n == null || !n.canConvertToLong()) {
            throw new ContractViolation("no whole-number \"id\"");
        }
        return n.asLong();
    }

    private static Reader reader(String wire) throws ContractViolation {
        for (Reader r : Reader.values()) {
            if (r.wire.equals(wire)) {
                return r;
            }
        }
        throw new ContractViolation("unknown reader \"" + wire + "\" (contact or contactless)");
    }

    private static byte[] hex(JsonNode o, String field) throws ContractViolation {
        byte[] bytes = hexOrEmpty(o, field);
        if (bytes.length == 0) {
            throw new ContractViolation("empty \"" + field + "\"");
        }
        return bytes;
    }

    private static byte[] hexOrEmpty(JsonNode o, String field) throws ContractViolation {
        String text = text(o, field).strip().toUpperCase(Locale.ROOT);
        if (!text.matches("([0-9A-F]{2})*")) {
            throw new ContractViolation("\"" + field + "\" is not an even number of hex digits");
        }
        return HexFormat.of().parseHex(text);
    }
}
