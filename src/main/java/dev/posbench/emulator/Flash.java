package dev.posbench.emulator;

import dev.posbench.channel.IsoMessage;
import java.util.Optional;

/**
 * What the terminal keeps in non-volatile memory: the trace number counter and the reversal it
 * owes. It survives power cycles (it lives as long as the terminal object); everything else the
 * firmware knows is lost when the power goes.
 */
final class Flash {

    /** An authorization left without a definitive answer, and why. */
    record Reversal(IsoMessage original, String reason) {
        Reversal because(String newReason) {
            return new Reversal(original, newReason);
        }
    }

    private int lastStan;
    private Reversal owed;

    /** The next STAN, 000001..999999 then round again. */
    String nextStan() {
        lastStan = lastStan % 999_999 + 1;
        return "%06d".formatted(lastStan);
    }

    Optional<Reversal> owed() {
        return Optional.ofNullable(owed);
    }

    void owe(Reversal reversal) {
        owed = reversal;
    }

    void settle() {
        owed = null;
    }
}
