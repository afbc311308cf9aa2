package dev.posbench.cards;

import dev.posbench.channel.Pans;
import java.util.Set;

/**
 * One test card of the deck, as loaded from {@code bench-config/cards.yaml}.
 *
 * @param id           the name scenarios use ("chip-visa")
 * @param technologies what the card carries
 * @param pan          primary account number (a test card's)
 * @param expiry       YYMM
 * @param serviceCode  three digits; first digit 2 or 6 means the card has a chip
 * @param pin          the cardholder's PIN (the issuer's and the chip's)
 * @param slot         the deck slot the rig's card selector picks it from
 * @param aid          the chip or contactless application id, hex
 * @param stripe       the condition of the magnetic stripe
 * @param track2       track 2 data as written on the stripe (derived from PAN, expiry and service code unless given)
 * @param chip         how the chip behaves, when the card has one
 */
public record TestCard(
        String id,
        Set<Technology> technologies,
        String pan,
        String expiry,
        String serviceCode,
        String pin,
        int slot,
        String aid,
        StripeCondition stripe,
        String track2,
        ChipBehaviour chip) {

    public enum Technology { STRIPE, CHIP, CONTACTLESS }

    public enum StripeCondition { GOOD, DAMAGED, DEMAGNETISED }

    /**
     * @param answers    false: the chip never answers to reset (a dead chip, for fallback)
     * @param offlinePin true: the chip verifies the PIN itself; false: online PIN
     * @param pinTries   the PIN try counter the card starts with
     */
    public record ChipBehaviour(boolean answers, boolean offlinePin, int pinTries) {}

    public boolean has(Technology t) {
        return technologies.contains(t);
    }

    /** A PIN that is surely wrong for this card: same length, every digit shifted by one. */
    public String wrongPin() {
        StringBuilder b = new StringBuilder(pin.length());
        for (char c : pin.toCharArray()) {
            b.append((char) ('0' + (c - '0' + 1) % 10));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "TestCard[" + id + ", pan=" + Pans.mask(pan) + ", slot=" + slot + "]";
    }
}
