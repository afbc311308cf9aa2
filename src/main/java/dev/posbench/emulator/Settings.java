package dev.posbench.emulator;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * How one reference terminal is set up: its identity, timers, capabilities, keys and seeded defects.
 *
 * @param terminalId           field 41
 * @param merchantId           field 42
 * @param boot                 how long the firmware takes to start after power-on
 * @param presentCard          how long the terminal waits for a card after a sale starts
 * @param pinEntry             how long PIN entry waits for the next key
 * @param otpEntry             how long the terminal waits for an SMS code to be entered
 * @param host                 how long the terminal waits for the bank's answer to one message
 * @param reversalRetries      how many times an unanswered reversal is sent again, at once
 * @param reversalAtOnce       a reversal goes out as soon as it is owed; otherwise it waits for the
 *                             next online transaction and goes before it
 * @param fallbackAllowed      a swipe is accepted after three failed chip reads
 * @param canSignOn            the terminal signs on (0800) after A0/99 and retries the purchase once
 * @param contactlessCvmLimit  a tap above this amount (minor units) needs an online PIN
 * @param readerMinCmPerSecond slowest swipe the reader decodes
 * @param readerMaxCmPerSecond fastest swipe the reader decodes
 * @param acceptedAids         application id prefixes accepted (empty: all)
 * @param acceptedBins         PAN prefixes accepted (empty: all)
 * @param pinKeyHex            double-length PIN key, 32 hex digits
 * @param macKeyHex            MAC key, hex
 * @param defects              seeded defects; empty for a correct terminal
 */
public record Settings(
        String terminalId,
        String merchantId,
        Duration boot,
        Duration presentCard,
        Duration pinEntry,
        Duration otpEntry,
        Duration host,
        int reversalRetries,
        boolean reversalAtOnce,
        boolean fallbackAllowed,
        boolean canSignOn,
        long contactlessCvmLimit,
        double readerMinCmPerSecond,
        double readerMaxCmPerSecond,
        List<String> acceptedAids,
        List<String> acceptedBins,
        String pinKeyHex,
        String macKeyHex,
        Set<Defect> defects) {

    public Settings {
        requireNonNull(terminalId, "terminalId");
        requireNonNull(merchantId, "merchantId");
        requireNonNull(boot, "boot");
        positive(presentCard, "presentCard");
        positive(pinEntry, "pinEntry");
        positive(otpEntry, "otpEntry");
        positive(host, "host");
        if (boot.isNegative()) {
            throw new IllegalArgumentException("boot must not be negative");
        }
        if (reversalRetries < 0) {
            throw new IllegalArgumentException("reversalRetries must not be negative");
        }
        if (!(readerMinCmPerSecond > 0) || !(readerMaxCmPerSecond >= readerMinCmPerSecond)) {
            throw new IllegalArgumentException("the reader's speed range must be 0 < min <= max");
        }
        acceptedAids = List.copyOf(acceptedAids);
        acceptedBins = List.copyOf(acceptedBins);
        requireNonNull(pinKeyHex, "pinKeyHex");
        requireNonNull(macKeyHex, "macKeyHex");
        if (!pinKeyHex.matches("\\p{XDigit}{32}")) {
            throw new IllegalArgumentException("pinKeyHex must be 32 hex digits (a double-length key)");
        }
        if (macKeyHex.isEmpty() || HexFormat.of().parseHex(macKeyHex).length == 0) {
            throw new IllegalArgumentException("macKeyHex must be hex");
        }
        defects = Set.copyOf(defects);
    }

    /** The same terminal carrying these defects instead. */
    public Settings withDefects(Set<Defect> newDefects) {
        return new Settings(terminalId, merchantId, boot, presentCard, pinEntry, otpEntry, host, reversalRetries,
                reversalAtOnce, fallbackAllowed, canSignOn, contactlessCvmLimit, readerMinCmPerSecond, readerMaxCmPerSecond,
                acceptedAids, acceptedBins, pinKeyHex, macKeyHex, newDefects);
    }

    boolean has(Defect defect) {
        return defects.contains(defect);
    }

    private static void positive(Duration d, String name) {
        requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
