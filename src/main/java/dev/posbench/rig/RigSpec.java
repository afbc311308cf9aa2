package dev.posbench.rig;

import dev.posbench.channel.Key;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the rig has, from {@code bench-config/rig.yaml}: which pins drive which mechanism and how
 * each motion is timed. Code never hard-codes a pin.
 *
 * @param kind         simulated rig or a Raspberry Pi
 * @param serialPort   the terminal's serial device on a Pi ({@code /dev/ttyUSB0}); ignored on the simulated rig
 * @param gpioChip     the gpiod chip on a Pi ({@code gpiochip0})
 * @param cardSelector BCM pins carrying the deck slot number in binary, least significant bit first
 * @param swipe        the swipe carriage
 * @param insert       the insert actuator: held on while the card is in the chip reader
 * @param tap          the tap actuator: holds the card over the antenna while on
 * @param power        the terminal's power relay: on = powered
 * @param keys         one solenoid per key
 * @param emergencyStop input pin; when it goes high every actuator is switched off and motions refused
 * @param simDefects   on the simulated rig, seeded defects the reference terminal carries (to prove scenarios fail)
 * @param safety       how each output is wired (its active and safe levels), the order and limits that keep
 *                     the rig safe, and the physical times between motions
 */
public record RigSpec(
        Kind kind,
        String serialPort,
        String gpioChip,
        List<Integer> cardSelector,
        Swipe swipe,
        Actuator insert,
        Actuator tap,
        Actuator power,
        Keys keys,
        int emergencyStop,
        Set<String> simDefects,
        Safety safety) {

    public enum Kind { SIM, PI }

    /** A rig wired the plain way: every output active high and safe low, power switched off last, no limits. */
    public RigSpec(Kind kind, String serialPort, String gpioChip, List<Integer> cardSelector, Swipe swipe,
            Actuator insert, Actuator tap, Actuator power, Keys keys, int emergencyStop, Set<String> simDefects) {
        this(kind, serialPort, gpioChip, cardSelector, swipe, insert, tap, power, keys, emergencyStop, simDefects,
                Safety.PLAIN);
    }

    /**
     * How one output is wired: the level that switches its mechanism on, and the level it is put
     * to in the safe state. Relay boards are commonly active-low: there "off" is a high line.
     */
    public record Level(boolean activeHigh, boolean safeHigh) {
        public static final Level ACTIVE_HIGH = new Level(true, false);

        /** The line level that puts the mechanism {@code on} or off. */
        public boolean high(boolean on) {
            return on == activeHigh;
        }

        /** Whether the safe level switches the mechanism on (a normally-powered terminal, say). */
        public boolean safeIsOn() {
            return safeHigh == activeHigh;
        }
    }

    /**
     * @param levels        by BCM pin; a pin not listed is active high and safe low
     * @param powerFirst    the safe state switches the terminal's power before the moving parts (true) or after
     * @param maxOn         by BCM pin: the longest the output may stay on before the rig puts it to its safe level
     * @param selectTravel  the card selector's travel time after its pins change (physical)
     * @param keyRelease    the gap after a key is released before the next key goes down, so a keypad
     *                      sees "1 1" as two presses (physical)
     * @param sensors       optional inputs that confirm a motion
     */
    public record Safety(Map<Integer, Level> levels, boolean powerFirst, Map<Integer, Duration> maxOn,
            Duration selectTravel, Duration keyRelease, Sensors sensors) {

        public static final Safety PLAIN = new Safety(Map.of(), false, Map.of(), Duration.ZERO, Duration.ZERO, Sensors.NONE);

        public Safety {
            levels = Map.copyOf(levels);
            maxOn = Map.copyOf(maxOn);
        }

        public Level level(int pin) {
            return levels.getOrDefault(pin, Level.ACTIVE_HIGH);
        }
    }

    /**
     * Inputs that confirm what a motion did; each is optional. A motion waits for its sensor up to
     * {@code timeout} and fails naming it when it does not confirm. A sensor reads high when it
     * senses its thing.
     *
     * @param cardSeated   the card sits in the chip reader (after an insert)
     * @param cardInDeck   the selected slot holds a card (after a selection)
     * @param carriageHome the swipe carriage is back home (after a swipe)
     */
    public record Sensors(java.util.OptionalInt cardSeated, java.util.OptionalInt cardInDeck,
            java.util.OptionalInt carriageHome, Duration timeout) {
        public static final Sensors NONE = new Sensors(java.util.OptionalInt.empty(), java.util.OptionalInt.empty(),
                java.util.OptionalInt.empty(), Duration.ofSeconds(1));

        public List<Integer> pins() {
            var all = new java.util.ArrayList<Integer>();
            cardSeated.ifPresent(all::add);
            cardInDeck.ifPresent(all::add);
            carriageHome.ifPresent(all::add);
            return List.copyOf(all);
        }
    }

    /**
     * The carriage pin is on while the card travels through the reader: {@code strokeMm} at the
     * requested speed gives the pulse width, which is how the reader's speed is set.
     */
    public record Swipe(int pin, double strokeMm, double nominalCmPerSecond) {
        public Duration travelTime(double cmPerSecond) {
            return Duration.ofNanos(Math.round(strokeMm / 10.0 / cmPerSecond * 1e9));
        }
    }

    /** An actuator on one pin; {@code travel} is the physical time its motion takes. */
    public record Actuator(int pin, Duration travel) {}

    /** {@code press} is how long a solenoid holds a key down. */
    public record Keys(Map<Key, Integer> pins, Duration press) {}

    /** Every output pin, for bringing the rig to its safe state. */
    public List<Integer> outputPins() {
        var all = new java.util.ArrayList<Integer>(cardSelector);
        all.add(swipe.pin());
        all.add(insert.pin());
        all.add(tap.pin());
        all.add(power.pin());
        all.addAll(keys.pins().values());
        return List.copyOf(all);
    }
}
