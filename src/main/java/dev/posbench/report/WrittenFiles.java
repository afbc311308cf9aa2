package dev.posbench.report;

import dev.posbench.channel.Pans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * INV-2 on what a run wrote: every file under the run's report folder (results, attachments, the
 * HTML report) is read as text and must show no more than the first 6 and last 4 digits of any
 * deck PAN. posbench masks by construction; this checks the construction, on the files themselves.
 */
public final class WrittenFiles {

    private WrittenFiles() {}

    /** One line per file that shows too much of a PAN: the file and the offending text, masked. */
    public static List<String> panLeaks(Path folder, List<String> pans) {
        List<String> leaks = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return leaks;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = read(file);
                for (String pan : pans) {
                    Pans.revealed(text, pan).ifPresent(shown -> leaks.add(file + ": more than the first 6 and last 4 "
                            + "digits of PAN " + Pans.mask(pan) + " (\"" + shown + "\")"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read what the run wrote in " + folder, e);
        }
        return leaks;
    }

    /** Rewrites a text file the run wrote with every card number in it masked; nothing when it is not there. */
    public static void maskPans(Path file) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String masked = Pans.maskAll(text);
            if (!masked.equals(text)) {
                Files.writeString(file, masked, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mask " + file, e);
        }
    }

    /** As text whatever it is: bytes that are not UTF-8 become replacement characters, which hide no digit. */
    private static String read(Path file) throws IOException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                .toString();
    }
}
