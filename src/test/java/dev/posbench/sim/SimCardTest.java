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
import dev.posbench.channel.CardApplication;
import dev.posbench.channel.Chip;
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
    void anAnsweringChipSelectsTheCardsApplicationAndADeadOneAnswersNothing() {
        TestCard card = Cards.chip("chip", 2, PAN, new ChipBehaviour(true, false, 3));
        CardApplication application = SimCard.of(card).chip().orElseThrow().powerUpAndSelect().orElseThrow();
        assertEquals(card.application(), application);
        assertFalse(SimCard.of(card).chip().orElseThrow().offlinePin());

        Chip dead = SimCard.of(Cards.chip("dead", 3, PAN, new ChipBehaviour(false, true, 3))).chip().orElseThrow();
        assertTrue(dead.powerUpAndSelect().isEmpty());
    }

    @Test
    void wrongPinsCountDownToBlockedAsOnARealCard() {
        TestCard card = Cards.chip("offline", 2, PAN, new ChipBehaviour(true, true, 3));
        Chip chip = SimCard.of(card).chip().orElseThrow();
        assertTrue(chip.offlinePin());
        assertEquals(3, chip.pinTryCounter());

        assertEquals(0x63C2, chip.verify(card.wrongPin()));
        assertEquals(0x63C1, chip.verify(card.wrongPin()));
        assertEquals(1, chip.pinTryCounter());
        assertEquals(0x63C0, chip.verify(card.wrongPin()), "the last wrong try still answers 63Cx");
        assertEquals(0, Chip.triesLeft(0x63C0));
        assertEquals(0, chip.pinTryCounter());
        assertEquals(Chip.SW_PIN_BLOCKED, chip.verify(Cards.PIN), "blocked: even the right PIN");
        assertEquals(Chip.SW_PIN_BLOCKED, chip.verify(card.wrongPin()));
        assertEquals(0, chip.pinTryCounter());
    }

    @Test
    void theRightPinResetsTheCounterToItsInitialValue() {
        TestCard card = Cards.chip("offline", 2, PAN, new ChipBehaviour(true, true, 3));
        Chip chip = SimCard.of(card).chip().orElseThrow();
        assertEquals(0x63C2, chip.verify(card.wrongPin()));
        assertEquals(0x63C1, chip.verify(card.wrongPin()));
        assertEquals(Chip.SW_OK, chip.verify(Cards.PIN));
        assertEquals(3, chip.pinTryCounter());
    }

    @Test
    void aCardIssuedBlockedRefusesEveryPin() {
        Chip chip = SimCard.of(Cards.chip("blocked", 2, PAN, new ChipBehaviour(true, true, 0))).chip().orElseThrow();
        assertEquals(0, chip.pinTryCounter());
        assertEquals(Chip.SW_PIN_BLOCKED, chip.verify(Cards.PIN));
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
