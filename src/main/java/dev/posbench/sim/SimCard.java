package dev.posbench.sim;

import dev.posbench.cards.TestCard;
import dev.posbench.cards.TestCard.ChipBehaviour;
import dev.posbench.cards.TestCard.StripeCondition;
import dev.posbench.cards.TestCard.Technology;
import dev.posbench.channel.CardApplication;
import dev.posbench.channel.Chip;
import dev.posbench.channel.Pans;
import dev.posbench.channel.Track2;
import java.util.Optional;

/**
 * A physical test card in the simulated rig's deck: the stripe as a read head sees it, the chip
 * with its own state, and the application a contactless antenna reads.
 */
public final class SimCard {

    /** A chip card whose configuration says nothing of its chip: it answers and asks for an online PIN. */
    private static final ChipBehaviour PLAIN_CHIP = new ChipBehaviour(true, false, 3);

    private final String id;
    private final byte[] stripe;
    private final Optional<Chip> chip;
    private final boolean contactless;
    private final CardApplication application;

    private SimCard(String id, byte[] stripe, Optional<Chip> chip, boolean contactless, CardApplication application) {
        this.id = id;
        this.stripe = stripe;
        this.chip = chip;
        this.contactless = contactless;
        this.application = application;
    }

    public static SimCard of(TestCard card) {
        CardApplication application = card.application();
        Optional<Chip> chip = Optional.empty();
        if (card.has(Technology.CHIP)) {
            ChipBehaviour behaviour = card.chip() == null ? PLAIN_CHIP : card.chip();
            chip = Optional.of(new SimChip(behaviour.answers(), behaviour.offlinePin(), card.pin(),
                    behaviour.pinTries(), application));
        }
        return new SimCard(card.id(), stripe(card), chip, card.has(Technology.CONTACTLESS), application);
    }

    public String id() {
        return id;
    }

    /** Track 2 as the read head sees it, one 5-bit character per byte; empty for a blank stripe. */
    public byte[] stripe() {
        return stripe.clone();
    }

    /** The chip, always the same one: its try counter is the card's. */
    public Optional<Chip> chip() {
        return chip;
    }

    /** Whether the card answers a contactless antenna. */
    public boolean contactless() {
        return contactless;
    }

    /** The payment application the card's chip and antenna carry. */
    public CardApplication application() {
        return application;
    }

    private static byte[] stripe(TestCard card) {
        if (!card.has(Technology.STRIPE) || card.stripe() == StripeCondition.DEMAGNETISED) {
            return new byte[0];
        }
        String track2 = card.track2() != null ? card.track2() : card.application().track2Equivalent();
        byte[] good = Track2.encode(track2);
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
        return "SimCard[" + id + ", pan=" + (application.pan() == null ? "-" : Pans.mask(application.pan()))
                + ", stripe=" + (stripe.length == 0 ? "blank" : stripe.length + " characters")
                + ", chip=" + chip.isPresent() + ", contactless=" + contactless + "]";
    }
}
