package dev.posbench.emulator;

import java.util.Locale;
import java.util.Optional;

/** A line of the plain-text ECR/debug console, as the terminal understands it. */
sealed interface ConsoleCommand {

    /** {@code SALE <amount in minor units>}. */
    record Sale(long amount) implements ConsoleCommand {}

    /** {@code STATUS}: answered with {@code STATE <name>}. */
    record Status() implements ConsoleCommand {}

    /** Anything else: answered with {@code reply}. */
    record Invalid(String reply) implements ConsoleCommand {}

    /** Empty when the line carries nothing (a stray CR, control characters). */
    static Optional<ConsoleCommand> parse(String line) {
        String text = line.replaceAll("\\p{Cntrl}", "").strip().toUpperCase(Locale.ROOT);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String[] words = text.split("\\s+");
        return Optional.of(switch (words[0]) {
            case "STATUS" -> words.length == 1 ? new Status() : new Invalid("ERR UNKNOWN COMMAND");
            case "SALE" -> words.length == 2 && words[1].matches("\\d{1,12}") && Long.parseLong(words[1]) > 0
                    ? new Sale(Long.parseLong(words[1]))
                    : new Invalid("ERR BAD AMOUNT");
            default -> new Invalid("ERR UNKNOWN COMMAND");
        });
    }
}
