package dev.posbench.rig;

import dev.posbench.channel.Key;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Rig specs for tests: a plausible wiring of BCM pins and short physical times. */
public final class RigSpecs {

    public static final int EMERGENCY_STOP_PIN = 4;
    /** A card's length plus run-out: 50 cm/s is a 200 ms stroke, 400 cm/s a 25 ms one. */
    public static final double STROKE_MM = 100.0;

    private static final int[] KEY_PINS = {7, 8, 9, 10, 11, 12, 14, 15, 16, 18, 19, 20, 21};

    private RigSpecs() {}

    /** Three selector bits (slots 0..7) and a solenoid on every key. */
    public static RigSpec simulated() {
        return withKeys(Key.values());
    }

    public static RigSpec withKeys(Key... keys) {
        Map<Key, Integer> pins = new EnumMap<>(Key.class);
        for (Key key : keys) {
            pins.put(key, KEY_PINS[key.ordinal()]);
        }
        return new RigSpec(
                RigSpec.Kind.SIM,
                "/dev/ttyUSB0",
                "gpiochip0",
                List.of(5, 6, 13),
                new RigSpec.Swipe(17, STROKE_MM, 90.0),
                new RigSpec.Actuator(27, Duration.ofMillis(30)),
                new RigSpec.Actuator(22, Duration.ofMillis(50)),
                new RigSpec.Actuator(23, Duration.ofMillis(5)),
                new RigSpec.Keys(pins, Duration.ofMillis(20)),
                EMERGENCY_STOP_PIN,
                Set.of());
    }

    public static RigSpec onChip(RigSpec spec, String gpioChip) {
        return new RigSpec(RigSpec.Kind.PI, spec.serialPort(), gpioChip, spec.cardSelector(), spec.swipe(),
                spec.insert(), spec.tap(), spec.power(), spec.keys(), spec.emergencyStop(), spec.simDefects(),
                spec.safety());
    }

    public static RigSpec withSafety(RigSpec spec, RigSpec.Safety safety) {
        return new RigSpec(spec.kind(), spec.serialPort(), spec.gpioChip(), spec.cardSelector(), spec.swipe(),
                spec.insert(), spec.tap(), spec.power(), spec.keys(), spec.emergencyStop(), spec.simDefects(), safety);
    }

    public static RigSpec withEmergencyStopOn(RigSpec spec, int pin) {
        return new RigSpec(spec.kind(), spec.serialPort(), spec.gpioChip(), spec.cardSelector(), spec.swipe(),
                spec.insert(), spec.tap(), spec.power(), spec.keys(), pin, spec.simDefects(), spec.safety());
    }
}
