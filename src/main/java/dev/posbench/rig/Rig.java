package dev.posbench.rig;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputProvider;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalOutputProvider;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import dev.posbench.BadInputException;
import dev.posbench.channel.Key;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rig's mechanisms on Pi4J pins, driven in the domain's words: select, swipe, insert, remove,
 * tap, press, power. Every motion is synchronous and returns when it is physically done. The rig
 * falls back to its safe state (every output low) on close, on any failure inside a motion and on
 * the emergency stop; after an emergency stop it refuses motions until the stop is released and
 * {@linkplain #resetEmergencyStop() reset}.
 */
public final class Rig implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Rig.class);
    private static final String RIG_YAML = "bench-config/rig.yaml";

    private static final String CARRIAGE = "swipe-carriage";
    private static final String INSERT = "insert-actuator";
    private static final String TAP = "tap-actuator";
    private static final String POWER = "power-relay";
    private static final String EMERGENCY_STOP = "emergency-stop";
    private static final String STOPPED = "the emergency stop was pressed: every output is low and motions are"
            + " refused until it is released and reset";

    /** One output pin and the mechanism it drives. */
    private record Output(String id, int pin, DigitalOutput io) {}

    private final RigSpec spec;
    private final Context pi4j;
    private final ActuationLog log = new ActuationLog();
    private final List<Output> selector;
    private final Output carriage;
    private final Output insertActuator;
    private final Output tapActuator;
    private final Output powerRelay;
    private final Map<Key, Output> keys;
    /** Every output, in the order the safe state drives them low: moving parts first, power last. */
    private final List<Output> safeOrder;
    private final DigitalInput emergencyStop;

    /** One motion at a time: two motions interleaving on the same mechanisms mean nothing physical. */
    private final ReentrantLock motion = new ReentrantLock();
    /**
     * Guards every pin change and the stop and close flags. Held only for a pin change, never across
     * a motion's physical time, so the emergency stop gets it at once.
     */
    private final ReentrantLock pins = new ReentrantLock();
    private final Condition stopOrClose = pins.newCondition();
    private boolean stopped;
    /** Why motions are refused, when posbench itself stopped the rig rather than the emergency stop. */
    private String stopReason;
    private boolean closed;

    private Rig(RigSpec spec, Context pi4j, Class<? extends DigitalOutputProvider> outputs,
            Class<? extends DigitalInputProvider> inputs) {
        this.spec = spec;
        this.pi4j = pi4j;
        Map<String, Output> byId = new LinkedHashMap<>();
        outputWiring(spec).forEach((id, pin) -> byId.put(id, output(id, pin, outputs)));
        safeOrder = List.copyOf(byId.values());
        carriage = byId.get(CARRIAGE);
        insertActuator = byId.get(INSERT);
        tapActuator = byId.get(TAP);
        powerRelay = byId.get(POWER);
        List<Output> bits = new ArrayList<>();
        for (int bit = 0; bit < spec.cardSelector().size(); bit++) {
            bits.add(byId.get(selectorId(bit)));
        }
        selector = List.copyOf(bits);
        Map<Key, Output> keyOutputs = new EnumMap<>(Key.class);
        spec.keys().pins().keySet().forEach(key -> keyOutputs.put(key, byId.get(keyId(key))));
        keys = keyOutputs;

        emergencyStop = pi4j.create(DigitalInput.newConfigBuilder(pi4j)
                .id(EMERGENCY_STOP)
                .name("emergency stop (BCM " + spec.emergencyStop() + ")")
                .address(spec.emergencyStop())
                // pressed pulls the line high; a floating line must read as released, not as a stop
                .pull(PullResistance.PULL_DOWN)
                .provider(inputs));
        emergencyStop.addListener(event -> {
            if (event.state() == DigitalState.HIGH) {
                emergencyStopPressed();
            } else {
                log.add("emergency stop released");
            }
        });
        if (emergencyStop.isHigh()) {
            emergencyStopPressed();
        }
    }

    /** The simulated rig: the Pi4J mock platform's pins, for the virtual mechanics to listen to. */
    public static Rig simulated(RigSpec spec) {
        checkWiring(spec);
        // Mock providers named explicitly, never auto-detected: with the mock plugin on the classpath,
        // auto-detection would hand a real rig mock pins without a word.
        Context pi4j = Pi4J.newContextBuilder()
                .noAutoDetect()
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
                .build();
        try {
            return new Rig(spec, pi4j, MockDigitalOutputProvider.class, MockDigitalInputProvider.class);
        } catch (RuntimeException e) {
            shutdown(pi4j);
            throw e;
        }
    }

    /**
     * The rig on a Raspberry Pi, through gpiod on {@code spec.gpioChip()}. A missing chip device, a
     * provider that does not start or a line that cannot be claimed is bad input naming the chip;
     * nothing stays open.
     */
    public static Rig onPi(RigSpec spec) {
        String chip = spec.gpioChip() == null ? "" : spec.gpioChip().strip();
        String where = "/dev/" + chip + " (" + RIG_YAML + " gpio.chip)";
        if (chip.isEmpty() || chip.contains("/") || !Files.exists(Path.of("/dev", chip))) {
            throw new BadInputException(where,
                    "no such GPIO chip device; on a Raspberry Pi it is gpiochip0 (gpiodetect lists the chips)");
        }
        checkWiring(spec);
        Context pi4j;
        try {
            pi4j = Pi4J.newContextBuilder()
                    .noAutoDetect()
                    .setGpioChipName(chip)
                    // a JVM that exits without close() still drives every output to its shutdown state, low
                    .enableShutdownHook()
                    .add(GpioDDigitalInputProvider.newInstance(), GpioDDigitalOutputProvider.newInstance())
                    .build();
        } catch (RuntimeException | LinkageError e) {
            throw new BadInputException(where, "the gpiod GPIO provider did not start: " + e, e);
        }
        try {
            return new Rig(spec, pi4j, GpioDDigitalOutputProvider.class, GpioDDigitalInputProvider.class);
        } catch (RuntimeException | LinkageError e) {
            String board = boardModel(pi4j);
            shutdown(pi4j);
            throw new BadInputException(where, e.getMessage() + " (Pi4J sees board model: " + board + ")", e);
        }
    }

    /** Puts the card of {@code slot} in front of the mechanisms: the slot in binary on the selector pins. */
    public void selectCard(int slot) {
        checkSlot(slot);
        motion("select card slot " + slot, () -> select(slot));
    }

    /** Swipes the card of {@code slot} through the terminal's reader at the given speed. */
    public void swipe(int slot, double cmPerSecond) {
        checkSlot(slot);
        if (!(cmPerSecond > 0) || Double.isInfinite(cmPerSecond)) {
            throw new IllegalArgumentException("a swipe speed is a positive number of cm/s, not " + cmPerSecond);
        }
        Duration stroke = spec.swipe().travelTime(cmPerSecond);
        motion(String.format(Locale.ROOT, "swipe slot %d at %.1f cm/s", slot, cmPerSecond), () -> {
            select(slot);
            long moving = drive(carriage, DigitalState.HIGH);
            // Physical time: the carriage carries the card past the read head for the whole stroke; the
            // pulse width is the swipe speed the reader sees.
            hold(moving, stroke);
            drive(carriage, DigitalState.LOW);
        });
    }

    /** Pushes the card of {@code slot} into the chip reader and holds it there until {@link #remove()}. */
    public void insert(int slot) {
        checkSlot(slot);
        if (cardInserted()) {
            throw new IllegalStateException("a card is already in the chip reader: remove it first");
        }
        motion("insert slot " + slot, () -> {
            select(slot);
            long pushing = drive(insertActuator, DigitalState.HIGH);
            // Physical time: the actuator's travel until the card's contacts touch the reader's.
            hold(pushing, spec.insert().travel());
        });
    }

    /** Pulls the card out of the chip reader; nothing to do when no card is in. */
    public void remove() {
        motion("remove card", () -> {
            if (!insertActuator.io().isHigh()) {
                return;
            }
            long pulling = drive(insertActuator, DigitalState.LOW);
            // Physical time: the actuator's travel until the card is out of the reader.
            hold(pulling, spec.insert().travel());
        });
    }

    /** Holds the card of {@code slot} over the contactless antenna, then takes it away. */
    public void tap(int slot) {
        checkSlot(slot);
        motion("tap slot " + slot, () -> {
            select(slot);
            long over = drive(tapActuator, DigitalState.HIGH);
            // Physical time: the dwell over the antenna.
            hold(over, spec.tap().travel());
            drive(tapActuator, DigitalState.LOW);
        });
    }

    /** Presses one key of the terminal's keypad with its solenoid. */
    public void press(Key key) {
        press(key, false);
    }

    /**
     * Presses a key of a secret the cardholder types (a PIN digit, an SMS code digit): pressed as
     * any key, but the actuation log says only that a secret key went down, never which. The
     * catalog allows no clear PIN in anything posbench writes, and the log is evidence.
     */
    public void pressSecret(Key key) {
        press(key, true);
    }

    /** Set while a secret key is pressed; only the motion thread (holding the motion lock) reads and writes it. */
    private volatile boolean secretMotion;

    private void press(Key key, boolean secret) {
        Output solenoid = keys.get(key);
        if (solenoid == null) {
            throw new BadInputException(RIG_YAML + " gpio.keys.pins", "no solenoid for key " + key.label()
                    + " (the rig has keys: " + keys.keySet().stream().map(Key::label).collect(Collectors.joining(", "))
                    + ")");
        }
        motion(secret ? "key * (secret entry)" : "key " + key.label(), () -> {
            secretMotion = secret;
            try {
                long down = drive(solenoid, DigitalState.HIGH);
                // Physical time: how long the solenoid holds the key down.
                hold(down, spec.keys().press());
                drive(solenoid, DigitalState.LOW);
            } finally {
                secretMotion = false;
            }
        });
    }

    /** Switches the terminal's power relay. */
    public void power(boolean on) {
        motion("power " + (on ? "on" : "off"), () -> {
            long switched = drive(powerRelay, on ? DigitalState.HIGH : DigitalState.LOW);
            // Physical time: the relay's contacts settle.
            hold(switched, spec.power().travel());
        });
    }

    /** Whether the insert actuator holds a card in the chip reader. */
    public boolean cardInserted() {
        return insertActuator.io().isHigh();
    }

    /** Drives every output low: no actuator moves, no key is held, the terminal is unpowered. */
    public void safeState() {
        pins.lock();
        try {
            if (!closed) {
                allLow("safe state: all outputs low");
            }
        } finally {
            pins.unlock();
        }
    }

    /**
     * Stops the rig as the emergency stop would, for posbench's own reasons (it was told to stop):
     * safe state at once, a motion in progress ends, and motions are refused from then on.
     */
    public void stop(String why) {
        pins.lock();
        try {
            if (closed) {
                return;
            }
            stopped = true;
            stopReason = "posbench was stopped by " + why + ": every output is at its safe level and motions are refused";
            try {
                allLow("safe state: all outputs low (" + why + ")");
            } finally {
                stopOrClose.signalAll();
            }
        } finally {
            pins.unlock();
        }
    }

    /**
     * Accepts motions again after an emergency stop, once the stop is released.
     *
     * @throws RigStoppedException while the emergency stop is still pressed
     */
    public void resetEmergencyStop() {
        pins.lock();
        try {
            if (emergencyStop.isHigh()) {
                throw new RigStoppedException("the emergency stop (BCM " + spec.emergencyStop()
                        + ") is still pressed: release it before the reset");
            }
            if (stopped) {
                stopped = false;
                log.add("emergency stop reset: motions accepted again");
            }
        } finally {
            pins.unlock();
        }
    }

    /** Whether any output is high, for checks that nothing was left on. */
    public boolean anyOutputHigh() {
        return safeOrder.stream().anyMatch(output -> output.io().isHigh());
    }

    public ActuationLog log() {
        return log;
    }

    /** The Pi4J context of the rig's pins, so the simulated rig's mechanics can listen to them. */
    public Context pi4j() {
        return pi4j;
    }

    /** Safe state, then the pins are released. A second close does nothing. */
    @Override
    public void close() {
        boolean closing = false;
        pins.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closing = true;
            stopOrClose.signalAll();
            allLow("safe state: all outputs low (rig closing)");
        } finally {
            pins.unlock();
            // outside the lock: on a Pi the emergency-stop listener runs on a Pi4J thread that may be
            // waiting for it, and shutdown waits for that thread
            if (closing) {
                shutdown(pi4j);
            }
        }
    }

    private void motion(String what, Runnable body) {
        motion.lock();
        try {
            pins.lock();
            try {
                refuseWhenStoppedOrClosed();
            } finally {
                pins.unlock();
            }
            log.add(what);
            try {
                body.run();
            } catch (RigStoppedException e) {
                throw e; // the emergency stop or the interrupt already brought the rig to its safe state
            } catch (RuntimeException | Error e) {
                LOG.error("{} failed: the rig goes to its safe state", what, e);
                safeState();
                throw e;
            }
        } finally {
            motion.unlock();
        }
    }

    private void select(int slot) {
        for (int bit = 0; bit < selector.size(); bit++) {
            drive(selector.get(bit), ((slot >> bit) & 1) == 1 ? DigitalState.HIGH : DigitalState.LOW);
        }
    }

    /** Returns when the pin changed, in {@link System#nanoTime()}, for timing the motion from it. */
    private long drive(Output output, DigitalState state) {
        pins.lock();
        try {
            refuseWhenStoppedOrClosed();
            return set(output, state);
        } finally {
            pins.unlock();
        }
    }

    /**
     * Waits out a motion's physical time, counted from the pin change that started it (logging the
     * change must not lengthen a stroke). The emergency stop and close cut it short; an interrupt
     * does too, after bringing the rig to its safe state.
     */
    private void hold(long sinceNanos, Duration time) {
        long deadline = sinceNanos + time.toNanos();
        pins.lock();
        try {
            long left;
            while (!stopped && !closed && (left = deadline - System.nanoTime()) > 0) {
                long waitStart = System.nanoTime();
                stopOrClose.awaitNanos(left);
                dev.posbench.WaitClock.since(waitStart);
            }
            refuseWhenStoppedOrClosed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            allLow("safe state: all outputs low (motion interrupted)");
            throw new RigStoppedException("the motion was interrupted: every output is low");
        } finally {
            pins.unlock();
        }
    }

    private void refuseWhenStoppedOrClosed() {
        if (closed) {
            throw new IllegalStateException("the rig is closed");
        }
        if (stopped) {
            throw new RigStoppedException(stopReason != null ? stopReason : STOPPED);
        }
    }

    private void emergencyStopPressed() {
        pins.lock();
        try {
            if (closed) {
                return;
            }
            stopped = true;
            LOG.warn("Emergency stop pressed (BCM {}): every output goes low; motions are refused until it is"
                    + " released and reset", spec.emergencyStop());
            log.add("EMERGENCY STOP pressed");
            try {
                allLow("safe state: all outputs low");
            } finally {
                stopOrClose.signalAll();
            }
        } finally {
            pins.unlock();
        }
    }

    /** Caller holds {@link #pins}. Drives every output low even when one of them fails. */
    private void allLow(String why) {
        log.add(why);
        RuntimeException failure = null;
        for (Output output : safeOrder) {
            try {
                set(output, DigitalState.LOW);
            } catch (RuntimeException e) {
                LOG.error("Could not drive {} (BCM {}) low", output.id(), output.pin(), e);
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Caller holds {@link #pins}. Returns when the pin is at {@code state}, in {@link System#nanoTime()}. */
    private long set(Output output, DigitalState state) {
        if (output.io().state() == state) {
            return System.nanoTime();
        }
        output.io().state(state);
        long changed = System.nanoTime();
        // a secret key's pin would name its digit: the log keeps that a key moved, not which
        String id = secretMotion && keys.containsValue(output) ? "key-*" : output.id();
        log.add("  " + id + (state == DigitalState.HIGH ? " high" : " low"));
        return changed;
    }

    private void checkSlot(int slot) {
        int slots = 1 << selector.size();
        if (slot < 0 || slot >= slots) {
            throw new BadInputException(RIG_YAML + " gpio.cardSelector", "slot " + slot + " cannot be selected with "
                    + selector.size() + " selector pins (slots 0.." + (slots - 1) + ")");
        }
    }

    private Output output(String id, int pin, Class<? extends DigitalOutputProvider> provider) {
        try {
            DigitalOutput io = pi4j.create(DigitalOutput.newConfigBuilder(pi4j)
                    .id(id)
                    .name(id.replace('-', ' ') + " (BCM " + pin + ")")
                    .address(pin)
                    .initial(DigitalState.LOW)
                    .shutdown(DigitalState.LOW)
                    .provider(provider));
            return new Output(id, pin, io);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot claim BCM " + pin + " for " + id + ": " + e.getMessage(), e);
        }
    }

    /** Output ids and their pins, in safe-state order: moving parts and keys, the selector, power last. */
    private static Map<String, Integer> outputWiring(RigSpec spec) {
        Map<String, Integer> wiring = new LinkedHashMap<>();
        wiring.put(CARRIAGE, spec.swipe().pin());
        wiring.put(INSERT, spec.insert().pin());
        wiring.put(TAP, spec.tap().pin());
        new TreeMap<>(spec.keys().pins()).forEach((key, pin) -> wiring.put(keyId(key), pin));
        for (int bit = 0; bit < spec.cardSelector().size(); bit++) {
            wiring.put(selectorId(bit), spec.cardSelector().get(bit));
        }
        wiring.put(POWER, spec.power().pin());
        return wiring;
    }

    private static void checkWiring(RigSpec spec) {
        Map<String, Integer> all = new LinkedHashMap<>(outputWiring(spec));
        all.put(EMERGENCY_STOP, spec.emergencyStop());
        Map<Integer, String> byPin = new HashMap<>();
        all.forEach((id, pin) -> {
            String other = byPin.putIfAbsent(pin, id);
            if (other != null) {
                throw new BadInputException(RIG_YAML + " gpio", "BCM pin " + pin + " is wired to both " + other
                        + " and " + id + "; every mechanism needs its own pin");
            }
        });
    }

    private static String keyId(Key key) {
        return "key-" + key.label().toLowerCase(Locale.ROOT);
    }

    private static String selectorId(int bit) {
        return "card-select-bit-" + bit;
    }

    private static String boardModel(Context pi4j) {
        try {
            return pi4j.boardInfo().getBoardModel().getLabel();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    private static void shutdown(Context pi4j) {
        try {
            pi4j.shutdown();
        } catch (RuntimeException e) {
            LOG.warn("Pi4J did not shut down cleanly", e);
        }
    }
}
