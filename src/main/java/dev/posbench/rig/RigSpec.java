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
        Set<String> simDefects) {

    public enum Kind { SIM, PI }

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
