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
 * tap, press, power. Every motion is synchronous and returns when it is physically done. Each
 * output has the active level and the safe level rig.yaml gives it (relay boards are often
 * active-low: "off" is a high line). The rig is in its safe state from the moment a pin is claimed,
 * and returns to it on close, on any failure inside a motion and on the emergency stop, output by
 * output in the declared order (the terminal's power first or last); after an emergency stop it
 * refuses motions until the stop is released and {@linkplain #resetEmergencyStop() reset}. An
 * output with a maximum on-time is put to its safe level when it stays on longer, whatever holds it.
 *
 * <p>What software cannot do: a SIGKILL, a JVM crash or a power loss of the Pi leaves every line as
 * it was. A rig is made safe against that in hardware (pull resistors to the safe level, a relay
 * board that defaults to off, a watchdog that drops power), see the README.
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

    /** One output pin, the mechanism it drives, and how it is wired. */
    private record Output(String id, int pin, DigitalOutput io, RigSpec.Level level) {
        boolean on() {
            return io.isHigh() == level.activeHigh();
        }

        boolean safe() {
            return io.isHigh() == level.safeHigh();
        }
    }

    private final RigSpec spec;
    private final Context pi4j;
    private final ActuationLog log = new ActuationLog();
    private final List<Output> selector;
    private final Output carriage;
    private final Output insertActuator;
    private final Output tapActuator;
    private final Output powerRelay;
    private final Map<Key, Output> keys;
    /** Every output, in the order the safe state drives them: moving parts, keys, selector; power first or last. */
    private final List<Output> safeOrder;
    /** Puts an output that stayed on too long to its safe level; a daemon thread that sleeps until one is due. */
    private final java.util.concurrent.ScheduledExecutorService watchdog =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                    .name("rig-max-on-time").factory());
    /** Per output id, how many times it was switched on: a watchdog due for an earlier switch-on does nothing. */
    private final Map<String, Long> switchOns = new HashMap<>();
    /** When the last key was released, in nanoTime; the next press waits out the release gap from it. */
    private long keyReleasedAt = Long.MIN_VALUE;
    private final DigitalInput emergencyStop;
    /** The optional sensors a motion waits for; absent ones are not waited for. */
    private final java.util.Optional<Sensor> cardSeated;
    private final java.util.Optional<Sensor> cardInDeck;
    private final java.util.Optional<Sensor> carriageHome;

    /** An input that confirms a motion: high when it senses its thing. */
    private record Sensor(String name, String field, String senses, DigitalInput io) {}

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
        List<Output> order = new ArrayList<>(byId.values());
        if (spec.safety().powerFirst()) {
            Output power = byId.get(POWER);
            order.remove(power);
            order.addFirst(power);
        }
        safeOrder = List.copyOf(order);
        log.add("safe state at start: " + safeLevels());
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
        RigSpec.Sensors sn = spec.safety().sensors();
        cardSeated = sensor(sn.cardSeated(), "card-seated", "cardSeated", "the card seated in the chip reader", inputs);
        cardInDeck = sensor(sn.cardInDeck(), "card-in-deck", "cardInDeck", "a card in the selected slot", inputs);
        carriageHome = sensor(sn.carriageHome(), "carriage-home", "carriageHome", "the swipe carriage at home", inputs);
    }

    private java.util.Optional<Sensor> sensor(java.util.OptionalInt pin, String id, String field, String senses,
            Class<? extends DigitalInputProvider> inputs) {
        if (pin.isEmpty()) {
            return java.util.Optional.empty();
        }
        DigitalInput io = pi4j.create(DigitalInput.newConfigBuilder(pi4j)
                .id(id)
                .name(id.replace('-', ' ') + " sensor (BCM " + pin.getAsInt() + ")")
                .address(pin.getAsInt())
                // an unwired sensor must read as "not sensed", so a motion waiting for it fails, never passes
                .pull(PullResistance.PULL_DOWN)
                .provider(inputs));
        // event-driven: a motion waiting for the sensor wakes the moment its line changes
        io.addListener(event -> {
            pins.lock();
            try {
                stopOrClose.signalAll();
            } finally {
                pins.unlock();
            }
        });
        return java.util.Optional.of(new Sensor(id, field, senses, io));
    }

    /**
     * Waits, event-driven, for a sensor to read {@code sensed}, up to rig.yaml's sensor timeout.
     *
     * @throws SensorException naming the sensor when it does not confirm in time (the motion's
     *                         failure then puts the rig in its safe state)
     */
    private void confirm(java.util.Optional<Sensor> sensor, boolean sensed, String after) {
        if (sensor.isEmpty()) {
            return;
        }
        Sensor s = sensor.get();
        Duration timeout = spec.safety().sensors().timeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        pins.lock();
        try {
            while (s.io().isHigh() != sensed) {
                refuseWhenStoppedOrClosed();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SensorException("the " + s.name() + " sensor (BCM " + s.io().address() + ", " + RIG_YAML
                            + " gpio.sensors." + s.field() + ") did not " + (sensed ? "confirm " : "see the end of ")
                            + s.senses() + " within " + timeout.toMillis() + " ms " + after
                            + "; every output went to its safe level");
                }
                stopOrClose.awaitNanos(left);
            }
            log.add("  " + s.name() + (sensed ? " confirmed" : " clear"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RigStoppedException("interrupted waiting for the " + s.name() + " sensor");
        } finally {
            pins.unlock();
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
        checkChip(spec);
        String chip = spec.gpioChip().strip();
        String where = "/dev/" + chip + " (" + RIG_YAML + " gpio.chip)";
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

    /**
     * Whether the GPIO chip a Pi rig names is there: the same check, and the same message, for
     * {@code posbench doctor} and for a run, which never falls back to mock pins.
     *
     * @throws BadInputException naming the chip, and the chips this machine has (often none at all)
     */
    public static void checkChip(RigSpec spec) {
        checkChip(spec, RIG_YAML);
    }

    /** {@link #checkChip(RigSpec)}, naming the rig file the spec came from. */
    public static void checkChip(RigSpec spec, String rigFile) {
        String chip = spec.gpioChip() == null ? "" : spec.gpioChip().strip();
        String where = "/dev/" + chip + " (" + rigFile + " gpio.chip)";
        if (chip.isEmpty() || chip.contains("/") || !Files.exists(Path.of("/dev", chip))) {
            List<String> chips = new ArrayList<>();
            try (var dev = Files.newDirectoryStream(Path.of("/dev"), "gpiochip*")) {
                dev.forEach(p -> chips.add(p.toString()));
            } catch (java.io.IOException e) {
                // listed as none below
            }
            throw new BadInputException(where, "no such GPIO chip device; " + (chips.isEmpty()
                    ? "this machine has no GPIO chip at all (no /dev/gpiochip*): it is not the rig's Raspberry Pi"
                    : "this machine has " + String.join(", ", chips.stream().sorted().toList()))
                    + "; on a Raspberry Pi it is gpiochip0 (gpiodetect lists the chips)");
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
            confirm(carriageHome, true, "before the swipe");
            long moving = drive(carriage, true);
            // Physical time: the carriage carries the card past the read head for the whole stroke; the
            // pulse width is the swipe speed the reader sees.
            hold(moving, stroke);
            drive(carriage, false);
            confirm(carriageHome, true, "after the swipe");
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
            long pushing = drive(insertActuator, true);
            // Physical time: the actuator's travel until the card's contacts touch the reader's.
            hold(pushing, spec.insert().travel());
            confirm(cardSeated, true, "after the insert");
        });
    }

    /** Pulls the card out of the chip reader; nothing to do when no card is in. */
    public void remove() {
        motion("remove card", () -> {
            if (!insertActuator.on()) {
                return;
            }
            long pulling = drive(insertActuator, false);
            // Physical time: the actuator's travel until the card is out of the reader.
            hold(pulling, spec.insert().travel());
            confirm(cardSeated, false, "after the removal");
        });
    }

    /** Holds the card of {@code slot} over the contactless antenna, then takes it away. */
    public void tap(int slot) {
        checkSlot(slot);
        motion("tap slot " + slot, () -> {
            select(slot);
            long over = drive(tapActuator, true);
            // Physical time: the dwell over the antenna.
            hold(over, spec.tap().travel());
            drive(tapActuator, false);
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
                // Physical time: a keypad needs the key up for a while before the next press, or "1 1"
                // reads as one long press; the gap is rig.yaml gpio.keys.releaseMs.
                if (keyReleasedAt != Long.MIN_VALUE) {
                    hold(keyReleasedAt, spec.safety().keyRelease());
                }
                long down = drive(solenoid, true);
                // Physical time: how long the solenoid holds the key down.
                hold(down, spec.keys().press());
                keyReleasedAt = drive(solenoid, false);
            } finally {
                secretMotion = false;
            }
        });
    }

    /** Switches the terminal's power relay. */
    public void power(boolean on) {
        motion("power " + (on ? "on" : "off"), () -> {
            long switched = drive(powerRelay, on);
            // Physical time: the relay's contacts settle.
            hold(switched, spec.power().travel());
        });
    }

    /** Whether the insert actuator holds a card in the chip reader. */
    public boolean cardInserted() {
        return insertActuator.on();
    }

    /** Puts every output to its safe level, in the declared order: no actuator moves, no key is held. */
    public void safeState() {
        pins.lock();
        try {
            if (!closed) {
                allSafe("safe state: " + safeLevels());
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
                allSafe("safe state: " + safeLevels() + " (" + why + ")");
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

    /** Whether any output line is high. */
    public boolean anyOutputHigh() {
        return safeOrder.stream().anyMatch(output -> output.io().isHigh());
    }

    /** Whether every output is at its safe level, for checks that nothing was left on. */
    public boolean allOutputsSafe() {
        return safeOrder.stream().allMatch(Output::safe);
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
            allSafe("safe state: " + safeLevels() + " (rig closing)");
        } finally {
            pins.unlock();
            // outside the lock: on a Pi the emergency-stop listener runs on a Pi4J thread that may be
            // waiting for it, and shutdown waits for that thread
            if (closing) {
                watchdog.shutdownNow();
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
            } catch (SensorException e) {
                LOG.error("{} failed: {}", what, e.getMessage());
                safeState();
                throw e;
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
        boolean changed = false;
        long since = 0;
        for (int bit = 0; bit < selector.size(); bit++) {
            boolean on = ((slot >> bit) & 1) == 1;
            if (selector.get(bit).on() != on) {
                changed = true;
                since = drive(selector.get(bit), on);
            }
        }
        if (changed) {
            // Physical time: the selector carries the chosen card to the mechanisms
            // (rig.yaml gpio.cardSelectorTravelMs).
            hold(since, spec.safety().selectTravel());
        }
        confirm(cardInDeck, true, "after selecting slot " + slot);
    }

    /** Returns when the pin changed, in {@link System#nanoTime()}, for timing the motion from it. */
    private long drive(Output output, boolean on) {
        pins.lock();
        try {
            refuseWhenStoppedOrClosed();
            return set(output, on);
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
            allSafe("safe state: " + safeLevels() + " (motion interrupted)");
            throw new RigStoppedException("the motion was interrupted: every output is at its safe level");
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
                allSafe("safe state: " + safeLevels());
            } finally {
                stopOrClose.signalAll();
            }
        } finally {
            pins.unlock();
        }
    }

    /** How the safe state reads in the log: "all outputs low" on a plain rig, the levels otherwise. */
    private String safeLevels() {
        boolean allLow = safeOrder == null || safeOrder.stream().noneMatch(o -> o.level().safeHigh());
        String order = spec.safety().powerFirst() ? ", power first" : "";
        return (allLow ? "all outputs low" : "every output at its safe level") + order;
    }

    /** Caller holds {@link #pins}. Puts every output to its safe level, in order, even when one of them fails. */
    private void allSafe(String why) {
        log.add(why);
        RuntimeException failure = null;
        for (Output output : safeOrder) {
            try {
                setLevel(output, output.level().safeHigh());
            } catch (RuntimeException e) {
                LOG.error("Could not put {} (BCM {}) to its safe level", output.id(), output.pin(), e);
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

    /** Caller holds {@link #pins}. Switches the mechanism on or off; returns when, in {@link System#nanoTime()}. */
    private long set(Output output, boolean on) {
        return setLevel(output, output.level().high(on));
    }

    /**
     * Caller holds {@link #pins}. Puts the line high or low; returns when it is there, in
     * {@link System#nanoTime()}. Switching an output on arms its maximum on-time.
     */
    private long setLevel(Output output, boolean high) {
        if (output.io().isHigh() == high) {
            return System.nanoTime();
        }
        output.io().state(high ? DigitalState.HIGH : DigitalState.LOW);
        long changed = System.nanoTime();
        // a secret key's pin would name its digit: the log keeps that a key moved, not which
        String id = secretMotion && keys.containsValue(output) ? "key-*" : output.id();
        boolean activeLow = !output.level().activeHigh();
        log.add("  " + id + (high ? " high" : " low") + (activeLow ? (output.on() ? " (on)" : " (off)") : ""));
        long n = switchOns.merge(output.id(), 1L, Long::sum);
        Duration maxOn = spec.safety().maxOn().get(output.pin());
        if (output.on() && maxOn != null && !closed) {
            watchdog.schedule(() -> overstayed(output, n, maxOn), maxOn.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        return changed;
    }

    /** The watchdog's check: still on since that same switch-on, past its maximum: to its safe level. */
    private void overstayed(Output output, long switchOn, Duration maxOn) {
        pins.lock();
        try {
            if (closed || !output.on() || switchOns.getOrDefault(output.id(), 0L) != switchOn) {
                return;
            }
            LOG.error("{} (BCM {}) stayed on longer than its maximum of {} ms: put to its safe level", output.id(),
                    output.pin(), maxOn.toMillis());
            log.add("  " + (keys.containsValue(output) ? "key-*" : output.id()) + " on longer than its maximum "
                    + maxOn.toMillis() + " ms: put to its safe level");
            setLevel(output, output.level().safeHigh());
        } finally {
            pins.unlock();
        }
    }

    private void checkSlot(int slot) {
        int slots = 1 << selector.size();
        if (slot < 0 || slot >= slots) {
            throw new BadInputException(RIG_YAML + " gpio.cardSelector", "slot " + slot + " cannot be selected with "
                    + selector.size() + " selector pins (slots 0.." + (slots - 1) + ")");
        }
    }

    private Output output(String id, int pin, Class<? extends DigitalOutputProvider> provider) {
        RigSpec.Level level = spec.safety().level(pin);
        DigitalState safe = level.safeHigh() ? DigitalState.HIGH : DigitalState.LOW;
        try {
            // claimed at its safe level, and Pi4J's shutdown hook leaves it there on a normal JVM exit
            DigitalOutput io = pi4j.create(DigitalOutput.newConfigBuilder(pi4j)
                    .id(id)
                    .name(id.replace('-', ' ') + " (BCM " + pin + ")")
                    .address(pin)
                    .initial(safe)
                    .shutdown(safe)
                    .provider(provider));
            return new Output(id, pin, io, level);
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
