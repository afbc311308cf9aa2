package dev.posbench.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.posbench.channel.IsoMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * What the terminal keeps in non-volatile memory: the trace number counter and the reversal it
 * owes. Everything else the firmware knows is lost when the power goes.
 *
 * <p>Under the terminal contract it lives in a file of the flash folder posbench hands the
 * program, written whole to a temporary file and renamed over the old one, so a power cut (a
 * SIGKILL at any instruction) leaves either the old state or the new one, never half of each.
 * Without a folder (the emulator's own tests) it lives as long as the object.
 */
final class Flash {

    /** An authorization left without a definitive answer, and why. */
    record Reversal(IsoMessage original, String reason) {
        Reversal because(String newReason) {
            return new Reversal(original, newReason);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILE = "flash.json";

    private final Optional<Path> dir;
    /** False only for {@link Defect#VOLATILE_REVERSAL}: the reversal owed never reaches the file. */
    private final boolean reversalSurvives;
    private int lastStan;
    private Reversal owed;
    /** Whether the firmware froze once already ({@link Defect#HANG_ONCE}): it does so once per flash. */
    private boolean hung;

    /** Volatile flash, for tests that keep one terminal object across power cycles. */
    Flash() {
        this.dir = Optional.empty();
        this.reversalSurvives = true;
    }

    /**
     * Flash kept in {@code dir}; what an earlier power period left there is read back now.
     *
     * @param reversalSurvives whether the reversal owed is written too (a sound terminal's is)
     */
    Flash(Path dir, boolean reversalSurvives) {
        this.dir = Optional.of(dir);
        this.reversalSurvives = reversalSurvives;
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            lastStan = root.path("lastStan").asInt(0);
            hung = root.path("hung").asBoolean(false);
            JsonNode reversal = root.get("owed");
            if (reversal != null && reversal.isObject()) {
                owed = new Reversal(IsoMessage.parse(reversal.get("original").toString()),
                        reversal.path("reason").asText());
            }
        } catch (IOException | IsoMessage.MalformedMessageException e) {
            throw new IllegalStateException(file + ": the terminal's flash cannot be read: " + e.getMessage(), e);
        }
    }

    /** The next STAN, 000001..999999 then round again. */
    String nextStan() {
        lastStan = lastStan % 999_999 + 1;
        save();
        return "%06d".formatted(lastStan);
    }

    /** True the first time only, over power cycles: the freeze of {@link Defect#HANG_ONCE} is recorded first. */
    boolean firstHang() {
        if (hung) {
            return false;
        }
        hung = true;
        save();
        return true;
    }

    Optional<Reversal> owed() {
        return Optional.ofNullable(owed);
    }

    void owe(Reversal reversal) {
        owed = reversal;
        save();
    }

    void settle() {
        owed = null;
        save();
    }

    private void save() {
        if (dir.isEmpty()) {
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("lastStan", lastStan);
        if (hung) {
            root.put("hung", true);
        }
        if (owed != null && reversalSurvives) {
            ObjectNode reversal = root.putObject("owed");
            reversal.set("original", readTree(owed.original().toJson()));
            reversal.put("reason", owed.reason());
        }
        Path file = dir.get().resolve(FILE);
        Path next = dir.get().resolve(FILE + ".next");
        try {
            Files.writeString(next, root.toString());
            try {
                Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(next, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": the terminal's flash cannot be written", e);
        }
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("a message's own JSON is JSON", e);
        }
    }
}
