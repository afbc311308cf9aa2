package dev.posbench.terminal;

import dev.posbench.cards.TestCard.Technology;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What posbench knows of one terminal model, from {@code bench-config/terminals/NAME.yaml}: how to
 * talk to it, how to start a sale, what it shows for each canonical outcome, its timeouts and what
 * it can do.
 */
public record TerminalProfile(
        Path file,
        String name,
        Serial serial,
        SaleStart sale,
        Timeouts timeouts,
        Capabilities capabilities,
        Map<Outcome, Pattern> outcomes,
        Map<Outcome, Duration> silentPrompts,
        Map<Outcome, String> outcomeSources) {

    public TerminalProfile {
        outcomes = Map.copyOf(outcomes);
        outcomeSources = Map.copyOf(outcomeSources);
        silentPrompts = Map.copyOf(silentPrompts);
        for (Outcome o : silentPrompts.keySet()) {
            if (!SILENT_ABLE.contains(o)) {
                throw new IllegalArgumentException(o + " cannot be a silent prompt");
            }
        }
    }

    /**
     * The prompts a terminal may keep off its serial port: they only invite the cardholder to act.
     * Idle, "remove card" and every result stay visible: they say where a transaction ended.
     */
    public static final Set<Outcome> SILENT_ABLE = Set.of(Outcome.PRESENT_CARD, Outcome.ENTER_PIN, Outcome.ENTER_OTP);

    public enum Parity { NONE, EVEN, ODD }

    /**
     * Line settings of the terminal's serial port, the character set of its texts, how its bytes
     * become messages, and the named fields of a message when it has them.
     */
    public record Serial(int baud, int dataBits, Parity parity, int stopBits, Charset charset, Link link,
            java.util.Optional<Fields> fields) {

        /** A plain text console. */
        public Serial(int baud, int dataBits, Parity parity, int stopBits, Charset charset) {
            this(baud, dataBits, parity, stopBits, charset, new Link.Lines(), java.util.Optional.empty());
        }

        /** The decoder this link is read with: a fresh one, since it keeps what is in flight. */
        public LinkDecoder decoder() {
            return switch (link) {
                case Link.Lines l -> new LineDecoder(charset);
                case Link.Frames(dev.posbench.channel.FrameFormat format) -> new FrameDecoder(format, charset);
            };
        }
    }

    /**
     * A message made of fields: the separator between them and their names, in order. An outcome
     * can then be matched against one field by name rather than the whole text.
     */
    public record Fields(String separator, List<String> names) {
        public Fields {
            if (separator.length() != 1 || names.isEmpty()) {
                throw new IllegalArgumentException("fields need a one-character separator and at least one name");
            }
            names = List.copyOf(names);
        }

        /**
         * A pattern over the whole message that holds when the named field, all of it, matches
         * {@code regex} (as {@link String#matches} would; named groups keep their names). The match
         * starts after that field's separators, ends at the next one or the end, and, checked
         * behind it, crosses none. (A field is at most 4096 characters: a lookbehind must be bounded.)
         */
        public Pattern fieldPattern(String name, String regex) {
            int index = names.indexOf(name);
            if (index < 0) {
                throw new IllegalArgumentException("no field \"" + name + "\"; the fields are " + names);
            }
            String sep = "\\x{" + Integer.toHexString(separator.charAt(0)) + "}";
            String notSep = "[^" + sep + "]";
            String before = "(?:" + notSep + "*" + sep + "){" + index + "}";
            // written out field by field: Java bounds a lookbehind's length only without group repeats
            String behind = "(?<=^" + (notSep + "{0,4096}" + sep).repeat(index) + notSep + "{0,4096})";
            return Pattern.compile("^" + before + "(?:" + regex + ")(?=" + sep + "|$)" + behind, Pattern.DOTALL);
        }
    }

    /** How the terminal's serial bytes are cut into messages. */
    public sealed interface Link {
        /** A text console: one message per line. */
        record Lines() implements Link {}

        /** A framed ECR protocol: one message per frame. */
        record Frames(dev.posbench.channel.FrameFormat format) implements Link {}
    }

    /**
     * How long a step waits, with nothing to see, before it takes the terminal to be showing this
     * prompt; empty when the terminal shows it on its serial port.
     */
    public java.util.Optional<Duration> settleTime(Outcome prompt) {
        return java.util.Optional.ofNullable(silentPrompts.get(prompt));
    }

    /** How the bench starts a sale: a command on the serial line (an ECR), or keys on the keypad. */
    public sealed interface SaleStart {
        /** {@code template} with {@code {amount}} in minor units, e.g. {@code "SALE {amount}\r\n"}. */
        record ViaSerial(String template) implements SaleStart {}

        /** Key labels; {@code {amount}} stands for the amount's digits in minor units. */
        record ViaKeys(List<String> keys) implements SaleStart {}
    }

    /**
     * The terminal's own timers, which the bench must outwait, plus its reversal policy.
     *
     * @param reversalAtOnce true: the reversal goes out as soon as it is owed; false: before the next online transaction
     */
    public record Timeouts(
            Duration boot,
            Duration presentCard,
            Duration pinEntry,
            Duration otpEntry,
            Duration host,
            int reversalRetries,
            boolean reversalAtOnce) {

        /** The longest the bench waits for any one outcome: every timer that may run before it, plus slack. */
        public Duration outcomeWait() {
            Duration longest = host.multipliedBy(reversalRetries + 2L);
            for (Duration d : List.of(boot, presentCard, pinEntry, otpEntry)) {
                if (d.compareTo(longest) > 0) {
                    longest = d;
                }
            }
            return longest.plusSeconds(5);
        }
    }

    /**
     * @param fallback            swipe accepted after repeated chip failures
     * @param signOn              can sign on (0800) to refresh keys
     * @param contactlessCvmLimit above this amount (minor units) a tap needs cardholder verification
     * @param readerMinCmPerSecond slowest swipe the reader decodes
     * @param readerMaxCmPerSecond fastest swipe the reader decodes
     * @param acceptedAids        application ids (prefixes) the terminal accepts
     * @param acceptedBins        PAN prefixes the terminal accepts
     * @param cardReaders         the ways the terminal reads a card: a scenario that needs another
     *                            is not applicable to it
     * @param currency            ISO 4217 numeric code every authorization must carry (field 49)
     */
    public record Capabilities(
            String terminalId,
            String merchantId,
            boolean fallback,
            boolean signOn,
            long contactlessCvmLimit,
            double readerMinCmPerSecond,
            double readerMaxCmPerSecond,
            List<String> acceptedAids,
            List<String> acceptedBins,
            Set<Technology> cardReaders,
            String currency) {

        public Capabilities {
            acceptedAids = List.copyOf(acceptedAids);
            acceptedBins = List.copyOf(acceptedBins);
            cardReaders = Set.copyOf(cardReaders);
        }
    }

    /** The outcome with where its text comes from, for messages: {@code INCORRECT_PIN (file outcomes.INCORRECT_PIN: /.../)}. */
    public String describe(Outcome outcome) {
        String source = outcomeSources.get(outcome);
        return outcome + " (" + file + " outcomes." + outcome + ": " + (source != null ? source : "/" + pattern(outcome) + "/")
                + ")";
    }

    public Pattern pattern(Outcome outcome) {
        Pattern p = outcomes.get(outcome);
        if (p == null) {
            throw new dev.posbench.BadInputException(file + ": outcomes." + outcome,
                    "the profile gives no text for " + outcome);
        }
        return p;
    }
}
