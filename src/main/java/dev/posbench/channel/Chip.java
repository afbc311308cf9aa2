package dev.posbench.channel;

import java.util.Optional;

/**
 * A chip card's contacts, as the terminal's chip reader talks to them. Implementations keep the
 * card's own state (the offline PIN try counter survives between transactions, as on a real card).
 */
public interface Chip {

    /** Status word: command succeeded. */
    int SW_OK = 0x9000;
    /** Status word: PIN verification blocked (try counter is zero). */
    int SW_PIN_BLOCKED = 0x6983;

    /** Powers the chip and selects the payment application; empty when the chip does not answer. */
    Optional<CardApplication> powerUpAndSelect();

    /** Whether the card's verification method is an offline PIN checked by the chip itself. */
    boolean offlinePin();

    /** The PIN try counter (tag 9F17). */
    int pinTryCounter();

    /**
     * VERIFY with a plaintext offline PIN: {@link #SW_OK}, {@code 0x63Cx} with x tries left, or
     * {@link #SW_PIN_BLOCKED}.
     */
    int verify(String pin);

    /** The tries left from a {@code 63Cx} status word, or -1 when it is not one. */
    static int triesLeft(int statusWord) {
        return (statusWord & 0xFFF0) == 0x63C0 ? statusWord & 0x0F : -1;
    }
}
