package dev.posbench.sim;

import dev.posbench.cards.TestCard;
import dev.posbench.cards.TestCard.ChipBehaviour;
import dev.posbench.cards.TestCard.StripeCondition;
import dev.posbench.cards.TestCard.Technology;
import dev.posbench.channel.Pans;
import dev.posbench.channel.Track2;
import java.util.Optional;

/**
 * A physical test card in the simulated rig's deck: the stripe as a read head sees it, and the
 * chip with its own state, which answers APDUs on the contacts, over the antenna, or both.
 */
public final class SimCard {

    /** A chip card whose configuration says nothing of its chip: it answers and asks for an online PIN. */
    private static final ChipBehaviour PLAIN_CHIP = new ChipBehaviour(true, false, 3);

    private final String id;
    private final byte[] stripe;
    private final String maskedPan;
    private final Optional<CardChip> chip;
    private final boolean contacts;
    private final boolean contactless;

    private SimCard(String id, byte[] stripe, String maskedPan, Optional<CardChip> chip, boolean contacts,
            boolean contactless) {
        this.id = id;
        this.stripe = stripe;
        this.maskedPan = maskedPan;
        this.chip = chip;
        this.contacts = contacts;
        this.contactless = contactless;
    }

    public static SimCard of(TestCard card) {
        Optional<CardChip> chip = Optional.empty();
        if (card.has(Technology.CHIP) || card.has(Technology.CONTACTLESS)) {
            ChipBehaviour behaviour = card.chip() == null ? PLAIN_CHIP : card.chip();
            chip = Optional.of(new CardChip(card.aid(), card.pan(), card.expiry(), card.serviceCode(), card.pin(),
                    behaviour.answers(), behaviour.offlinePin(), behaviour.pinTries()));
        }
        return new SimCard(card.id(), stripe(card), Pans.mask(card.pan()), chip, card.has(Technology.CHIP),
                card.has(Technology.CONTACTLESS));
    }

    public String id() {
        return id;
    }

    /** Track 2 as the read head sees it, one 5-bit character per byte; empty for a blank stripe. */
    public byte[] stripe() {
        return stripe.clone();
    }

    /** The chip, always the same one: its try counter is the card's. */
    Optional<CardChip> chip() {
        return chip;
    }

    /** Whether the chip has contacts a chip reader can touch. */
    public boolean contacts() {
        return contacts;
    }

    /** Whether the card answers a contactless antenna. */
    public boolean contactless() {
        return contactless;
    }

    private static byte[] stripe(TestCard card) {
        if (!card.has(Technology.STRIPE) || card.stripe() == StripeCondition.DEMAGNETISED) {
            return new byte[0];
        }
        byte[] good = Track2.encode(card.track2());
        return card.stripe() == StripeCondition.DAMAGED ? scratched(good) : good;
    }

    /**
     * The same stripe with one data bit flipped in each of two characters in the middle: the parity
     * of both fails, as where a scratch crosses the track. Always the same characters, so a damaged
     * card reads the same way on every swipe.
     */
    private static byte[] scratched(byte[] good) {
        byte[] damaged = good.clone();
        int dataCharacters = good.length - 3; // start sentinel, data, end sentinel, LRC
        int middle = 1 + dataCharacters / 2;
        int first = Math.max(1, middle - 1);
        damaged[first] ^= 0x01;
        if (middle != first) {
            damaged[middle] ^= 0x01;
        }
        return damaged;
    }

    @Override
    public String toString() {
        return "SimCard[" + id + ", pan=" + maskedPan
                + ", stripe=" + (stripe.length == 0 ? "blank" : stripe.length + " characters")
                + ", contacts=" + contacts + ", contactless=" + contactless + "]";
    }
}
