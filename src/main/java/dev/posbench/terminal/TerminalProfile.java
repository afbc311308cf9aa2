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
        Map<Outcome, Pattern> outcomes) {

    public TerminalProfile {
        outcomes = Map.copyOf(outcomes);
    }

    public enum Parity { NONE, EVEN, ODD }

    /** Line settings of the terminal's serial port, and the character set of its texts. */
    public record Serial(int baud, int dataBits, Parity parity, int stopBits, Charset charset) {}

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
        return outcome + " (" + file + " outcomes." + outcome + ": /" + pattern(outcome) + "/)";
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
