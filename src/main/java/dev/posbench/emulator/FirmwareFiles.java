package dev.posbench.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.posbench.channel.Durations;
import dev.posbench.channel.HostDialect;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import dev.posbench.channel.FrameFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The reference terminal's settings, read from the same files the bench reads: its timers and
 * capabilities from the terminal profile, its keys from the bank's configuration. A vendor's
 * firmware has its timers built in and the profile describes them; here the profile is the one
 * source, so the terminal and the bench's description of it cannot drift apart.
 */
final class FirmwareFiles {

    /** A field is missing or wrong; the message names the file and the field. */
    static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message);
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path file;
    private final JsonNode root;

    private FirmwareFiles(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    static Settings read(Path profile, Path bankConfig, Set<Defect> defects) {
        FirmwareFiles p = load(profile);
        FirmwareFiles b = load(bankConfig);
        return new Settings(
                p.text("capabilities.terminalId"),
                p.text("capabilities.merchantId"),
                p.duration("timeouts.boot"),
                p.duration("timeouts.presentCard"),
                p.duration("timeouts.pinEntry"),
                p.duration("timeouts.otpEntry"),
                p.duration("timeouts.host"),
                p.node("timeouts.reversalRetries").asInt(),
                p.text("timeouts.reversal").equals("at-once"),
                p.node("capabilities.fallback").asBoolean(),
                p.node("capabilities.signOn").asBoolean(),
                p.node("capabilities.contactlessCvmLimit").asLong(),
                p.node("capabilities.readerSpeed.minCmPerSecond").asDouble(),
                p.node("capabilities.readerSpeed.maxCmPerSecond").asDouble(),
                p.texts("capabilities.acceptedAids"),
                p.texts("capabilities.acceptedBins"),
                b.text("keys.pin"),
                b.text("keys.mac"),
                defects);
    }

    /** The serial port's setup from the profile: {@code serial.link}, {@code serial.frame}, {@code silentPrompts}. */
    static Console console(Path profile) {
        FirmwareFiles p = load(profile);
        JsonNode serial = p.root.path("serial");
        String link = serial.path("link").asText("lines");
        Optional<FrameFormat> frames = switch (link) {
            case "lines" -> Optional.empty();
            case "frames" -> {
                JsonNode frame = serial.path("frame");
                try {
                    yield Optional.of(FrameFormat.parse(knob -> Optional.ofNullable(frame.get(knob))
                            .filter(JsonNode::isValueNode).map(JsonNode::asText)));
                } catch (IllegalArgumentException e) {
                    throw new Invalid(profile + ": serial.frame." + e.getMessage());
                }
            }
            default -> throw new Invalid(profile + ": serial.link: \"" + link + "\" should be lines or frames");
        };
        Set<String> silent = new java.util.TreeSet<>();
        p.root.path("silentPrompts").fieldNames().forEachRemaining(silent::add);
        Optional<String> separator = Optional.empty();
        JsonNode sep = serial.path("fields").path("separator");
        if (sep.isValueNode()) {
            try {
                separator = Optional.of(new String(java.util.HexFormat.of().parseHex(sep.asText().replace(" ", "")),
                        java.nio.charset.StandardCharsets.ISO_8859_1));
            } catch (IllegalArgumentException e) {
                throw new Invalid(profile + ": serial.fields.separator: \"" + sep.asText() + "\" is not a byte in hex");
            }
        }
        return new Console(frames, silent, separator);
    }

    /** The profile's host dialect, read by the rules the bench reads it by. */
    static HostDialect hostDialect(Path profile) {
        FirmwareFiles p = load(profile);
        try {
            return HostDialect.parse(p.root.get("host"), profile);
        } catch (HostDialect.Invalid e) {
            throw new Invalid(profile + ": " + e.field() + ": " + e.getMessage());
        }
    }

    /** The retail MAC key of the iso8583-tcp dialect, {@code keys.retailMac}. */
    static String retailMacKey(Path bankConfig) {
        return load(bankConfig).text("keys.retailMac");
    }

    private static FirmwareFiles load(Path file) {
        try {
            JsonNode root = YAML.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new Invalid(file + ": not a YAML mapping");
            }
            return new FirmwareFiles(file, root);
        } catch (IOException e) {
            throw new Invalid(file + ": cannot be read: " + e.getMessage());
        }
    }

    private JsonNode node(String path) {
        JsonNode n = root;
        for (String part : path.split("\\.")) {
            n = n.path(part);
        }
        if (n.isMissingNode() || n.isNull()) {
            throw new Invalid(file + ": " + path + ": missing");
        }
        return n;
    }

    private String text(String path) {
        JsonNode n = node(path);
        if (!n.isValueNode()) {
            throw new Invalid(file + ": " + path + ": not a single value");
        }
        return n.asText();
    }

    private Duration duration(String path) {
        String text = text(path);
        return Durations.parse(text).orElseThrow(() -> new Invalid(file + ": " + path + ": \"" + text
                + "\" is not a duration such as 1500ms or 3s"));
    }

    private List<String> texts(String path) {
        JsonNode n = node(path);
        if (!n.isArray()) {
            throw new Invalid(file + ": " + path + ": not a list");
        }
        List<String> out = new ArrayList<>();
        n.forEach(e -> out.add(e.asText()));
        return out;
    }
}
