package dev.posbench.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.cards.TestCard;
import dev.posbench.cards.TestCard.ChipBehaviour;
import dev.posbench.cards.TestCard.StripeCondition;
import dev.posbench.cards.TestCard.Technology;
import dev.posbench.channel.Apdus;
import dev.posbench.channel.Track2;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimCardTest {

    private static final String PAN = "4761739001010010";

    @Test
    void aGoodStripeReadsBackAsTheCardsTrack2() {
        TestCard card = Cards.stripe("good", 1, PAN, StripeCondition.GOOD);
        assertEquals(new Track2.Reading.Data(card.track2()), Track2.decode(SimCard.of(card).stripe()));
    }

    @Test
    void aDamagedStripeHasParityErrorsInTwoCharactersTheSameOnEverySwipe() {
        TestCard card = Cards.stripe("damaged", 3, PAN, StripeCondition.DAMAGED);
        byte[] damaged = SimCard.of(card).stripe();
        byte[] good = Track2.encode(card.track2());

        Track2.Reading reading = Track2.decode(damaged);
        assertTrue(assertInstanceOf(Track2.Reading.Error.class, reading).reason().contains("parity"), reading.toString());
        int differing = 0;
        for (int i = 0; i < good.length; i++) {
            if (good[i] != damaged[i]) {
                differing++;
                assertTrue(i > 0 && i < good.length - 2, "only data characters are scratched: " + i);
            }
        }
        assertEquals(2, differing);
        assertArrayEquals(damaged, SimCard.of(card).stripe());
    }

    @Test
    void aDemagnetisedStripeAndACardWithoutStripeGiveTheHeadNothing() {
        SimCard demagnetised = SimCard.of(Cards.stripe("blank", 5, PAN, StripeCondition.DEMAGNETISED));
        assertEquals(0, demagnetised.stripe().length);
        assertInstanceOf(Track2.Reading.Error.class, Track2.decode(demagnetised.stripe()));
        SimCard chipOnly = SimCard.of(Cards.card("chip-only", 2, PAN, "201", Set.of(Technology.CHIP),
                StripeCondition.GOOD, new ChipBehaviour(true, true, 3)));
        assertEquals(0, chipOnly.stripe().length);
    }

    @Test
    void aStripeCardHasNoChipAndIsNotContactless() {
        SimCard card = SimCard.of(Cards.stripe("good", 1, PAN, StripeCondition.GOOD));
        assertTrue(card.chip().isEmpty());
        assertFalse(card.contactless());
    }

    @Test
    void theChipIsAlwaysTheSameOneSoItsStateIsTheCards() {
        SimCard card = SimCard.of(Cards.chip("chip", 2, PAN, new ChipBehaviour(true, true, 3)));
        assertSame(card.chip().orElseThrow(), card.chip().orElseThrow());
    }

    @Test
    void theChipAnswersAsTheCardSaysAndADeadOneNotAtAll() {
        TestCard card = Cards.chip("chip", 2, PAN, new ChipBehaviour(true, false, 3));
        byte[] answer = SimCard.of(card).chip().orElseThrow().transmit(Apdus.selectDirectory(true)).orElseThrow();
        assertEquals(Apdus.SW_OK, Apdus.statusWord(answer));

        CardChip dead = SimCard.of(Cards.chip("dead", 3, PAN, new ChipBehaviour(false, true, 3))).chip().orElseThrow();
        assertTrue(dead.transmit(Apdus.selectDirectory(true)).isEmpty(), "mute: the reader hears nothing");
    }

    @Test
    void theChipKnowsTheCardsPinAndTries() {
        TestCard card = Cards.chip("offline", 2, PAN, new ChipBehaviour(true, true, 3));
        CardChip chip = SimCard.of(card).chip().orElseThrow();
        assertEquals(0x63C2, Apdus.statusWord(chip.transmit(Apdus.verifyPlaintextPin(card.wrongPin())).orElseThrow()));
        assertEquals(Apdus.SW_OK, Apdus.statusWord(chip.transmit(Apdus.verifyPlaintextPin(Cards.PIN)).orElseThrow()));
    }

    @Test
    void neitherTheCardNorItsChipPrintsThePanOrPin() {
        SimCard card = SimCard.of(Cards.chip("chip", 2, PAN, new ChipBehaviour(true, true, 3)));
        String printed = card + " " + card.chip().orElseThrow();
        assertFalse(printed.contains(PAN), printed);
        assertFalse(printed.contains(Cards.PIN), printed);
        assertTrue(printed.contains("476173******0010"), printed);
    }
}
