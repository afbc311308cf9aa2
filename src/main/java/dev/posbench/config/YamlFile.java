package dev.posbench.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.posbench.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import dev.posbench.channel.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A YAML node that knows its file and field path, so every complaint about it names both:
 * {@code bench-config/terminals/reference.yaml: timeouts.host: missing (a duration such as 1500ms or 3s)}.
 */
final class YamlFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path file;
    private final String path;
    private final JsonNode node;

    private YamlFile(Path file, String path, JsonNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    static YamlFile read(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new BadInputException(file.toString(), "no such file");
        } catch (JacksonException e) {
            throw new BadInputException(file.toString(), "not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new BadInputException(file.toString(), "cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(file.toString(), "empty, or not a YAML mapping");
        }
        return new YamlFile(file, "", root);
    }

    Path file() {
        return file;
    }

    BadInputException error(String field, String what) {
        return new BadInputException(file + ": " + qualified(field), what);
    }

    BadInputException error(String what) {
        return new BadInputException(file + ": " + (path.isEmpty() ? "(top level)" : path), what);
    }

    private String qualified(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** A field as it is, for a reader of its own (null when missing). */
    JsonNode raw(String field) {
        return node.get(field);
    }

    boolean has(String field) {
        JsonNode n = node.get(field);
        return n != null && !n.isNull();
    }

    /** Whether the field holds a section of named fields (rather than a single value). */
    boolean isSection(String field) {
        JsonNode n = node.get(field);
        return n != null && n.isObject();
    }

    YamlFile child(String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            throw error(field, "missing (a section)");
        }
        if (!n.isObject()) {
            throw error(field, "should be a section of named fields");
        }
        return new YamlFile(file, qualified(field), n);
    }

    List<YamlFile> list(String field) {
        JsonNode n = node.get(field);
        if (n == null || !n.isArray()) {
            throw error(field, "missing (a list)");
        }
        List<YamlFile> items = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode item = n.get(i);
            String itemPath = qualified(field) + "[" + i + "]";
            if (!item.isObject()) {
                throw new BadInputException(file + ": " + itemPath, "should be a section of named fields");
            }
            items.add(new YamlFile(file, itemPath, item));
        }
        return items;
    }

    List<String> texts(String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw error(field, "should be a list, like [a, b]");
        }
        List<String> out = new ArrayList<>();
        n.forEach(v -> out.add(v.asText()));
        return out;
    }

    List<Integer> integers(String field) {
        List<Integer> out = new ArrayList<>();
        for (String s : texts(field)) {
            try {
                out.add(Integer.parseInt(s));
            } catch (NumberFormatException e) {
                throw error(field, "should be a list of whole numbers, not \"" + s + "\"");
            }
        }
        if (out.isEmpty()) {
            throw error(field, "missing (a list of whole numbers)");
        }
        return out;
    }

    Iterable<String> fieldNames() {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    String text(String field) {
        return optionalText(field).orElseThrow(() -> error(field, "missing"));
    }

    Optional<String> optionalText(String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isValueNode()) {
            throw error(field, "should be a single value");
        }
        // not stripped: YAML trims plain values itself, and a quoted one means its spaces and line ends
        String s = n.asText();
        return s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    String text(String field, String pattern, String expected) {
        String s = text(field);
        if (!s.matches(pattern)) {
            throw error(field, "\"" + s + "\" is not " + expected);
        }
        return s;
    }

    int integer(String field) {
        String s = text(field);
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw error(field, "\"" + s + "\" is not a whole number");
        }
    }

    int integer(String field, int min, int max) {
        int v = integer(field);
        if (v < min || v > max) {
            throw error(field, v + " is outside " + min + ".." + max);
        }
        return v;
    }

    double number(String field) {
        String s = text(field);
        try {
            double v = Double.parseDouble(s);
            if (!(v > 0) || Double.isInfinite(v)) {
                throw error(field, "\"" + s + "\" should be a positive number");
            }
            return v;
        } catch (NumberFormatException e) {
            throw error(field, "\"" + s + "\" is not a number");
        }
    }

    boolean bool(String field, boolean otherwise) {
        Optional<String> s = optionalText(field);
        if (s.isEmpty()) {
            return otherwise;
        }
        return switch (s.get()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(field, "\"" + s.get() + "\" is not true or false");
        };
    }

    Duration duration(String field) {
        String s = text(field);
        return Durations.parse(s)
                .orElseThrow(() -> error(field, "\"" + s + "\" is not a duration such as 1500ms, 3s or 2min"));
    }

    Duration millis(String field) {
        return Duration.ofMillis(integer(field, 0, 600_000));
    }

    <E extends Enum<E>> E choice(String field, Class<E> type) {
        String s = text(field);
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(s.replace('-', '_'))) {
                return e;
            }
        }
        throw error(field, "\"" + s + "\" is not one of " + choices(type));
    }

    static <E extends Enum<E>> String choices(Class<E> type) {
        StringBuilder b = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            b.append(b.isEmpty() ? "" : ", ").append(e.name().toLowerCase().replace('_', '-'));
        }
        return b.toString();
    }
}
