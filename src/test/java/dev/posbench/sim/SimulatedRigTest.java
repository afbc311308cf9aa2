package dev.posbench.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import dev.posbench.cards.TestCard;
import dev.posbench.cards.TestCard.ChipBehaviour;
import dev.posbench.cards.TestCard.StripeCondition;
import dev.posbench.channel.Key;
import dev.posbench.channel.PhysicalEvent;
import dev.posbench.channel.PhysicalEvent.CardInserted;
import dev.posbench.channel.PhysicalEvent.CardRemoved;
import dev.posbench.channel.PhysicalEvent.CardSwiped;
import dev.posbench.channel.PhysicalEvent.CardTapped;
import dev.posbench.channel.PhysicalEvent.KeyPressed;
import dev.posbench.channel.PhysicalEvent.TapEnded;
import dev.posbench.channel.Track2;
import dev.posbench.channel.WorldMessage;
import java.util.HexFormat;
import dev.posbench.rig.Rig;
import dev.posbench.rig.RigSpec;
import dev.posbench.rig.RigSpecs;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rig on the Pi4J mock platform with the mechanics listening to its pins. Mock listeners run on
 * the thread that changes a pin, so every event is in {@link #events} when the motion returns.
 */
class SimulatedRigTest {

    /** The terminal's power input, as the test records it beside the sensed events. */
    record Power(boolean on) {}

    /** SELECT of the contact (1PAY) and contactless (2PAY) payment system environments. */
    private static final byte[] SELECT_PSE = HexFormat.of().parseHex("00A404000E315041592E5359532E444446303100");
    private static final byte[] SELECT_PPSE = HexFormat.of().parseHex("00A404000E325041592E5359532E444446303100");

    private static final TestCard GOOD = Cards.stripe("stripe-good", 1, "4761739001010010", StripeCondition.GOOD);
    private static final TestCard CHIP = Cards.chip("chip-offline", 2, "5413330089020011", new ChipBehaviour(true, true, 3));
    private static final TestCard DAMAGED = Cards.stripe("stripe-damaged", 3, "4761739001010028", StripeCondition.DAMAGED);
    private static final TestCard CONTACTLESS = Cards.contactless("contactless", 4, "4761739001010036");
    private static final TestCard BLANK = Cards.stripe("stripe-blank", 5, "4761739001010044", StripeCondition.DEMAGNETISED);
    private static final TestCard OTHER = Cards.stripe("stripe-other", 6, "6222000000000000003", StripeCondition.GOOD);

    private final RigSpec spec = RigSpecs.simulated();
    private final Map<Integer, SimCard> deck = Stream.of(GOOD, CHIP, DAMAGED, CONTACTLESS, BLANK, OTHER)
            .collect(Collectors.toMap(TestCard::slot, SimCard::of));
    private final List<Object> events = new CopyOnWriteArrayList<>();
    private final Rig rig = Rig.simulated(spec);
    private final Readers readers = new Readers();
    private final Mechanics mechanics = new Mechanics(rig.pi4j(), spec, deck, readers, new TerminalHardware() {
        @Override
        public void power(boolean on) {
            events.add(new Power(on));
        }

        @Override
        public void sense(PhysicalEvent event) {
            events.add(event);
        }
    });

    @AfterEach
    void close() {
        mechanics.close();
        rig.close();
    }

    @Test
    void aSwipeAtFiftyIsMeasuredAsFiftyAndCarriesTheSelectedCardsStripe() {
        rig.swipe(GOOD.slot(), 50.0);

        CardSwiped swiped = single(CardSwiped.class);
        assertEquals(new Track2.Reading.Data(GOOD.track2()), Track2.decode(swiped.stripe()));
        List<Double> speeds = measuredSpeeds(50.0);
        assertTrue(best(speeds) > 45, speeds.toString());
    }

    @Test
    void aSwipeAtFourHundredIsMeasuredFast() {
        List<Double> speeds = measuredSpeeds(400.0);
        assertTrue(best(speeds) > 320, speeds.toString());
    }

    /**
     * Five swipes of the same card at one speed. The rig holds the carriage at least the stroke time,
     * so no swipe measures faster than asked; a loaded machine can only stretch a stroke (the rig's
     * thread waits for a core, tens of milliseconds at worst), so the fastest of five is the fair
     * measure of what the mechanics make of the asked speed.
     */
    private List<Double> measuredSpeeds(double cmPerSecond) {
        events.clear();
        for (int i = 0; i < 5; i++) {
            rig.swipe(GOOD.slot(), cmPerSecond);
        }
        List<Double> speeds = events.stream()
                .map(event -> assertInstanceOf(CardSwiped.class, event).speedCmPerSecond()).toList();
        assertEquals(5, speeds.size());
        assertTrue(speeds.stream().allMatch(speed -> speed <= cmPerSecond * 1.01), speeds.toString());
        return speeds;
    }

    private static double best(List<Double> speeds) {
        return speeds.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    @Test
    void theCardSelectorPicksTheSlotsCard() {
        rig.swipe(OTHER.slot(), 90);
        rig.swipe(GOOD.slot(), 90);

        List<Track2.Reading> readings = events.stream()
                .map(event -> Track2.decode(assertInstanceOf(CardSwiped.class, event).stripe())).toList();
        assertEquals(List.of(new Track2.Reading.Data(OTHER.track2()), new Track2.Reading.Data(GOOD.track2())), readings);
    }

    @Test
    void aSwipeFromAnEmptySlotReachesNothing() {
        rig.swipe(7, 90);
        rig.swipe(0, 90);
        assertEquals(List.of(), events);
    }

    @Test
    void damagedAndDemagnetisedStripesReadAsErrors() {
        rig.swipe(DAMAGED.slot(), 90);
        rig.swipe(BLANK.slot(), 90);

        List<Track2.Reading> readings = events.stream()
                .map(event -> Track2.decode(assertInstanceOf(CardSwiped.class, event).stripe())).toList();
        assertEquals(2, readings.size());
        assertTrue(readings.stream().allMatch(Track2.Reading.Error.class::isInstance), readings.toString());
    }

    @Test
    void insertAndRemoveReachTheChipReader() {
        rig.insert(CHIP.slot());

        single(CardInserted.class);
        assertTrue(readers.cardInContactReader());
        assertInstanceOf(CardField.Answer.Response.class, readers.transmit(WorldMessage.Reader.CONTACT, SELECT_PSE),
                "the card's chip answers on the contacts");
        assertInstanceOf(CardField.Answer.NoCard.class, readers.transmit(WorldMessage.Reader.CONTACTLESS, SELECT_PPSE),
                "and nothing is over the antenna");
        assertTrue(rig.cardInserted());

        events.clear();
        rig.remove();
        single(CardRemoved.class);
        assertFalse(rig.cardInserted());
        assertInstanceOf(CardField.Answer.NoCard.class, readers.transmit(WorldMessage.Reader.CONTACT, SELECT_PSE),
                "a card taken out answers nothing");
    }

    @Test
    void aStripeOnlyCardPushedIntoTheChipReaderTouchesNoContacts() {
        rig.insert(GOOD.slot());
        rig.remove();
        assertEquals(List.of(), events);
    }

    @Test
    void aTapReachesTheAntennaOnlyForAContactlessCard() {
        rig.tap(GOOD.slot());
        assertEquals(List.of(), events);

        rig.tap(CONTACTLESS.slot());
        assertEquals(List.of(new CardTapped(), new TapEnded()), events, "in the field for the tap's dwell, then out");
        assertInstanceOf(CardField.Answer.NoCard.class, readers.transmit(WorldMessage.Reader.CONTACTLESS, SELECT_PPSE),
                "a card gone from the field answers nothing");
    }

    @Test
    void keyPressesArriveInOrder() {
        List<Key> keys = List.of(Key.DIGIT_1, Key.DIGIT_2, Key.DIGIT_3, Key.DIGIT_4, Key.ENTER);
        keys.forEach(rig::press);
        assertEquals(keys.stream().map(KeyPressed::new).toList(), events);
    }

    @Test
    void thePowerRelayPowersTheTerminal() {
        rig.power(true);
        rig.power(true);
        rig.power(false);
        assertEquals(List.of(new Power(true), new Power(false)), events);
    }

    @Test
    void anEmergencyStopTakesTheCardOutAndThePowerAway() {
        rig.power(true);
        rig.insert(CHIP.slot());
        events.clear();

        rig.pi4j().registry().get("emergency-stop", MockDigitalInput.class).mockState(DigitalState.HIGH);

        assertEquals(Map.of(CardRemoved.class, 1L, Power.class, 1L),
                events.stream().collect(Collectors.groupingBy(Object::getClass, Collectors.counting())));
        assertTrue(events.contains(new Power(false)));
    }

    @Test
    void closedMechanicsReachNoTerminal() {
        mechanics.close();
        rig.power(true);
        rig.swipe(GOOD.slot(), 90);
        assertEquals(List.of(), events);
    }

    private <T> T single(Class<T> type) {
        assertEquals(1, events.size(), events.toString());
        return type.cast(assertInstanceOf(type, events.getFirst()));
    }

}
