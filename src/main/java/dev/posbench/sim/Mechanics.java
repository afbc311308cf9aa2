package dev.posbench.sim;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import dev.posbench.channel.Key;
import dev.posbench.channel.PhysicalEvent;
import dev.posbench.channel.PhysicalEvent.CardInserted;
import dev.posbench.channel.PhysicalEvent.CardRemoved;
import dev.posbench.channel.PhysicalEvent.CardSwiped;
import dev.posbench.channel.PhysicalEvent.CardTapped;
import dev.posbench.channel.PhysicalEvent.KeyPressed;
import dev.posbench.channel.PhysicalEvent.TapEnded;
import dev.posbench.rig.RigSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated rig's machine: it is wired to the rig's output pins exactly as the real mechanisms
 * are (by pin number, from the rig spec) and turns what happens on them into what the terminal's
 * hardware senses. The carriage pulse width becomes the swipe speed, the selector pins choose the
 * card from the deck, a solenoid going high is a key press, the relay is the terminal's power. The
 * cards it moves into the chip reader and over the antenna go into {@link Readers}, where the
 * terminal's APDUs reach their chips.
 *
 * <p>It listens through Pi4J; the mock platform calls listeners on the thread that changed the pin,
 * so an event reaches the terminal before the rig's pin change returns.
 */
public final class Mechanics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Mechanics.class);

    private final RigSpec spec;
    private final Map<Integer, SimCard> deck;
    private final TerminalHardware terminal;
    private final Readers readers;
    private final List<DigitalOutput> selector;
    private final List<Runnable> detach = new ArrayList<>();
    private final java.util.Optional<MockDigitalInput> cardSeated;
    private final java.util.Optional<MockDigitalInput> cardInDeck;
    private final java.util.Optional<MockDigitalInput> carriageHome;

    // guarded by this
    private long strokeStartNanos = -1;
    private int strokeSlot;
    private boolean chipInReader;
    private boolean overAntenna;

    /**
     * @param pi4j       the rig's Pi4J context, its output pins already created
     * @param spec       which pin drives which mechanism, and the carriage's stroke
     * @param deckBySlot the cards in the deck, by the slot the card selector picks them from
     * @param readers    the terminal's chip reader and antenna, where the mechanics put cards
     * @param terminal   the terminal program: its power, and what its hardware senses
     */
    Mechanics(Context pi4j, RigSpec spec, Map<Integer, SimCard> deckBySlot, Readers readers, TerminalHardware terminal) {
        this.spec = spec;
        this.deck = Map.copyOf(deckBySlot);
        this.readers = readers;
        this.terminal = terminal;
        Map<Integer, DigitalOutput> byPin = new HashMap<>();
        pi4j.registry().allByType(DigitalOutput.class).values()
                .forEach(output -> byPin.put(output.config().address(), output));
        selector = spec.cardSelector().stream().map(pin -> wired(byPin, pin)).toList();
        DigitalOutput carriage = wired(byPin, spec.swipe().pin());
        DigitalOutput insert = wired(byPin, spec.insert().pin());
        DigitalOutput tap = wired(byPin, spec.tap().pin());
        DigitalOutput power = wired(byPin, spec.power().pin());
        Map<DigitalOutput, Key> solenoids = new HashMap<>();
        spec.keys().pins().forEach((key, pin) -> solenoids.put(wired(byPin, pin), key));

        // the rig's optional sensors, on the same mock platform: what they would sense on a real rig
        cardSeated = sensor(pi4j, spec.safety().sensors().cardSeated());
        cardInDeck = sensor(pi4j, spec.safety().sensors().cardInDeck());
        carriageHome = sensor(pi4j, spec.safety().sensors().carriageHome());
        sense(carriageHome, true);
        selector.forEach(bit -> listen(bit, on -> sense(cardInDeck, deck.containsKey(selectedSlot()))));
        sense(cardInDeck, deck.containsKey(selectedSlot()));

        listen(carriage, this::carriage);
        listen(insert, this::insertActuator);
        listen(tap, this::tapActuator);
        listen(power, this::relay);
        solenoids.forEach((solenoid, key) -> listen(solenoid, down -> {
            if (down) {
                emit(new KeyPressed(key));
            }
        }));
    }

    /** Unhooks the mechanics from the pins; pin changes after this reach no terminal. */
    @Override
    public synchronized void close() {
        detach.forEach(Runnable::run);
        detach.clear();
    }

    private synchronized void carriage(boolean moving) {
        sense(carriageHome, !moving);
        if (moving) {
            strokeStartNanos = System.nanoTime();
            // the card that rides the carriage is the one selected when the stroke starts
            strokeSlot = selectedSlot();
            return;
        }
        if (strokeStartNanos < 0) {
            return;
        }
        double seconds = (System.nanoTime() - strokeStartNanos) / 1e9;
        strokeStartNanos = -1;
        double cmPerSecond = spec.swipe().strokeMm() / 10.0 / seconds;
        SimCard card = deck.get(strokeSlot);
        if (card == null) {
            LOG.info("Swipe from empty slot {}: nothing passed the read head", strokeSlot);
            return;
        }
        LOG.debug("{} passed the read head at {} cm/s", card.id(), String.format(Locale.ROOT, "%.1f", cmPerSecond));
        emit(new CardSwiped(card.stripe(), cmPerSecond));
    }

    private synchronized void relay(boolean on) {
        try {
            terminal.power(on);
        } catch (RuntimeException e) {
            // a program that cannot start is reported when the bench waits for it to boot
            LOG.error("The terminal program could not be switched {}", on ? "on" : "off", e);
        }
    }

    private synchronized void insertActuator(boolean in) {
        // any card pushed in sits in the slot, chip or not; an empty slot pushes nothing
        sense(cardSeated, in && deck.containsKey(selectedSlot()));
        if (!in) {
            if (chipInReader) {
                chipInReader = false;
                readers.removed();
                emit(new CardRemoved());
            }
            return;
        }
        int slot = selectedSlot();
        SimCard card = deck.get(slot);
        if (card == null) {
            LOG.info("Insert from empty slot {}: nothing reached the chip reader", slot);
        } else if (!card.contacts()) {
            LOG.info("{} (slot {}) has no chip: pushed into the chip reader, it touches no contacts", card.id(), slot);
        } else {
            chipInReader = true;
            readers.inserted(card);
            emit(new CardInserted());
        }
    }

    private synchronized void tapActuator(boolean over) {
        if (!over) {
            if (overAntenna) {
                overAntenna = false;
                readers.tapEnded();
                emit(new TapEnded());
            }
            return;
        }
        int slot = selectedSlot();
        SimCard card = deck.get(slot);
        if (card == null) {
            LOG.info("Tap from empty slot {}: nothing came near the antenna", slot);
        } else if (!card.contactless()) {
            LOG.info("{} (slot {}) is not contactless: the antenna senses nothing", card.id(), slot);
        } else {
            overAntenna = true;
            readers.tapped(card);
            emit(new CardTapped());
        }
    }

    private static java.util.Optional<MockDigitalInput> sensor(Context pi4j, java.util.OptionalInt pin) {
        if (pin.isEmpty()) {
            return java.util.Optional.empty();
        }
        return pi4j.registry().allByType(MockDigitalInput.class).values().stream()
                .filter(in -> in.config().address() == pin.getAsInt()).findFirst();
    }

    private static void sense(java.util.Optional<MockDigitalInput> sensor, boolean sensed) {
        sensor.ifPresent(s -> s.mockState(sensed ? DigitalState.HIGH : DigitalState.LOW));
    }

    private int selectedSlot() {
        int slot = 0;
        for (int bit = 0; bit < selector.size(); bit++) {
            if (on(selector.get(bit))) {
                slot |= 1 << bit;
            }
        }
        return slot;
    }

    private void emit(PhysicalEvent event) {
        try {
            terminal.sense(event);
        } catch (RuntimeException e) {
            // the physical world takes no exceptions from the terminal: the rig's motion goes on
            LOG.error("The terminal failed to take {}", event.getClass().getSimpleName(), e);
        }
    }

    /** Whether the mechanism on this output is switched on: its line at its active level, as rig.yaml wires it. */
    private boolean on(DigitalOutput output) {
        return output.isHigh() == spec.safety().level(output.config().address()).activeHigh();
    }

    private void listen(DigitalOutput output, Consumer<Boolean> on) {
        boolean activeHigh = spec.safety().level(output.config().address()).activeHigh();
        DigitalStateChangeListener listener = event -> on.accept((event.state() == DigitalState.HIGH) == activeHigh);
        output.addListener(listener);
        detach.add(() -> output.removeListener(listener));
    }

    private static DigitalOutput wired(Map<Integer, DigitalOutput> byPin, int pin) {
        DigitalOutput output = byPin.get(pin);
        if (output == null) {
            throw new IllegalArgumentException("the Pi4J context has no output on BCM " + pin
                    + ": the mechanics listen to the rig's own pins, so create the rig first");
        }
        return output;
    }
}
