package dev.posbench.emulator;

import java.util.Optional;

/**
 * A card's chip as the terminal's purchase flow uses it, on the contacts or over the antenna. Under
 * the terminal contract it is {@link ApduChip}, which talks APDUs to the card on the bench's side;
 * the card keeps its own state (the offline PIN try counter survives between transactions).
 */
interface Chip {

    /** Powers the chip and selects the payment application; empty when the chip does not answer. */
    Optional<CardApplication> powerUpAndSelect();

    /** Whether the card's verification method is an offline PIN checked by the chip itself. */
    boolean offlinePin();

    /** The PIN try counter (tag 9F17), or -1 when the card does not tell. */
    int pinTryCounter();

    /**
     * VERIFY with a plaintext offline PIN: the status word, {@code 9000}, {@code 63Cx} with x tries
     * left, or {@code 6983} blocked; -1 when the card did not answer.
     */
    int verify(String pin);
}
