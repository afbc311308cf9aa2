package dev.posbench.rig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import dev.posbench.channel.Key;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Safety by configuration on the Pi4J mock platform: active-low outputs (the common relay boards)
 * sit at their safe level from the start and go back to it on close and on the emergency stop, in
 * the declared order; an output on too long is put safe; selection and key release take their time.
 */
class RigSafetyTest {

    private static final RigSpec.Level ACTIVE_LOW = new RigSpec.Level(false, true);
    private final RigSpec base = RigSpecs.simulated();
    private Rig rig;

    @AfterEach
    void closeRig() {
        if (rig != null) {
            rig.close();
        }
    }

    /** Every output of the rig active-low, safe high; power switched first or last. */
    private RigSpec activeLow(boolean powerFirst, Map<Integer, Duration> maxOn, Duration select, Duration release) {
        Map<Integer, RigSpec.Level> levels = new HashMap<>();
        base.outputPins().forEach(pin -> levels.put(pin, ACTIVE_LOW));
        return RigSpecs.withSafety(base, new RigSpec.Safety(levels, powerFirst, maxOn, select, release, RigSpec.Sensors.NONE));
    }

    @Test
    void activeLowOutputsStartAtTheirSafeLevelAndReturnToItOnCloseAndOnTheEmergencyStop() {
        rig = Rig.simulated(activeLow(false, Map.of(), Duration.ZERO, Duration.ZERO));
        Map<String, DigitalOutput> outputs = outputs();
        assertTrue(outputs.values().stream().allMatch(DigitalOutput::isHigh), "safe is high on an active-low board");
        assertTrue(rig.allOutputsSafe());

        rig.power(true);
        rig.insert(5);
        assertTrue(outputs.get("power-relay").isLow(), "on is low");
        assertTrue(outputs.get("insert-actuator").isLow());
        assertTrue(rig.cardInserted());
        assertFalse(rig.allOutputsSafe());

        List<String> key = Collections.synchronizedList(new ArrayList<>());
        outputs.get("key-5").addListener(e -> key.add(e.state().toString()));
        rig.press(Key.DIGIT_5);
        assertEquals(List.of("LOW", "HIGH"), key, "a press pulls the line low and lets it go high");

        rig.pi4j().registry().get("emergency-stop", MockDigitalInput.class).mockState(DigitalState.HIGH);
        assertTrue(rig.allOutputsSafe(), "the emergency stop puts every output to its safe level, high");
        assertTrue(outputs.values().stream().allMatch(DigitalOutput::isHigh));
        rig.pi4j().registry().get("emergency-stop", MockDigitalInput.class).mockState(DigitalState.LOW);
        rig.resetEmergencyStop();

        rig.power(true);
        rig.close();
        assertTrue(outputs.values().stream().allMatch(DigitalOutput::isHigh), "close leaves every line at its safe level");
        String log = rig.log().render(new ActuationLog.Mark(0));
        assertTrue(log.contains("safe state at start: every output at its safe level"), log);
        assertTrue(log.contains("  power-relay low (on)") && log.contains("  power-relay high (off)"), log);
    }

    @Test
    void theSafeStateSwitchesPowerFirstOrLastAsDeclared() {
        for (boolean powerFirst : List.of(true, false)) {
            rig = Rig.simulated(activeLow(powerFirst, Map.of(), Duration.ZERO, Duration.ZERO));
            rig.power(true);
            rig.insert(3);
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            outputs().forEach((id, o) -> o.addListener(e -> order.add(id)));
            rig.safeState();
            assertEquals(List.of(powerFirst ? "power-relay" : "insert-actuator", powerFirst ? "insert-actuator" : "power-relay"),
                    order.stream().filter(id -> id.equals("power-relay") || id.equals("insert-actuator")).toList(),
                    "power first: " + powerFirst + ", order " + order);
            rig.close();
        }
    }

    @Test
    void anOutputOnLongerThanItsMaximumIsPutToItsSafeLevel() throws Exception {
        int insertPin = base.insert().pin();
        rig = Rig.simulated(activeLow(false, Map.of(insertPin, Duration.ofMillis(80)), Duration.ZERO, Duration.ZERO));
        DigitalOutput insert = outputs().get("insert-actuator");
        CountDownLatch backToSafe = new CountDownLatch(1);
        insert.addListener(e -> {
            if (e.state() == DigitalState.HIGH) {
                backToSafe.countDown();
            }
        });
        long start = System.nanoTime();
        rig.insert(1); // holds the card in until remove: longer than 80 ms here
        assertTrue(backToSafe.await(5, TimeUnit.SECONDS), "the watchdog released the insert actuator");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 80, "not before its maximum: " + ms + " ms");
        assertFalse(rig.cardInserted());
        assertTrue(rig.log().render(new ActuationLog.Mark(0)).contains("insert-actuator on longer than its maximum 80 ms"));
    }

    @Test
    void aKeyPressWithinItsMaximumIsLeftAlone() throws Exception {
        Map<Integer, Duration> maxOn = new HashMap<>();
        base.keys().pins().values().forEach(pin -> maxOn.put(pin, Duration.ofMillis(200)));
        rig = Rig.simulated(activeLow(false, maxOn, Duration.ZERO, Duration.ZERO));
        rig.press(Key.ENTER);
        rig.press(Key.ENTER);
        Thread.sleep(250); // past the maximum of both presses: a watchdog that fired would have logged it
        assertFalse(rig.log().render(new ActuationLog.Mark(0)).contains("longer than its maximum"));
    }

    @Test
    void twoPressesOfOneKeyAreApartByTheReleaseGapAndASelectionTakesItsTravel() {
        Duration gap = Duration.ofMillis(60);
        Duration travel = Duration.ofMillis(70);
        rig = Rig.simulated(activeLow(false, Map.of(), travel, gap));
        List<Long> changes = Collections.synchronizedList(new ArrayList<>());
        outputs().get("key-1").addListener(e -> changes.add(System.nanoTime()));
        rig.press(Key.DIGIT_1);
        rig.press(Key.DIGIT_1);
        assertEquals(4, changes.size(), "down, up, down, up");
        long apart = changes.get(2) - changes.get(1);
        assertTrue(apart >= gap.toNanos(), "released " + apart / 1_000_000 + " ms before the next press");

        long start = System.nanoTime();
        rig.selectCard(6);
        assertTrue(System.nanoTime() - start >= travel.toNanos(), "the selector's travel");
        start = System.nanoTime();
        rig.selectCard(6);
        assertTrue(System.nanoTime() - start < travel.toNanos(), "no travel when the card is already selected");
    }

    @Test
    void aMotionWaitsForItsSensorAndFailsNamingItWhenItDoesNotConfirm() throws Exception {
        RigSpec.Sensors sensors = new RigSpec.Sensors(java.util.OptionalInt.of(24), java.util.OptionalInt.empty(),
                java.util.OptionalInt.of(26), Duration.ofMillis(150));
        rig = Rig.simulated(RigSpecs.withSafety(base, new RigSpec.Safety(Map.of(), false, Map.of(), Duration.ZERO,
                Duration.ZERO, sensors)));
        MockDigitalInput seated = rig.pi4j().registry().get("card-seated", MockDigitalInput.class);
        MockDigitalInput home = rig.pi4j().registry().get("carriage-home", MockDigitalInput.class);
        home.mockState(DigitalState.HIGH);
        // the seat switch closes a while after the actuator pushed: the motion waits for it, event-driven
        outputs().get("insert-actuator").addListener(e -> Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(30);
            } catch (InterruptedException ignored) {
                return;
            }
            seated.mockState(e.state() == DigitalState.HIGH ? DigitalState.HIGH : DigitalState.LOW);
        }));
        rig.insert(2);
        assertTrue(rig.cardInserted());
        rig.remove();
        assertTrue(rig.log().render(new ActuationLog.Mark(0)).contains("card-seated confirmed"));

        // the carriage never comes home: the swipe fails naming the sensor, and the rig is safe
        home.mockState(DigitalState.LOW);
        SensorException e = org.junit.jupiter.api.Assertions.assertThrows(SensorException.class, () -> rig.swipe(1, 90));
        assertTrue(e.getMessage().startsWith("the carriage-home sensor (BCM 26, bench-config/rig.yaml gpio.sensors.carriageHome)"
                + " did not confirm the swipe carriage at home within 150 ms before the swipe"), e.getMessage());
        assertTrue(rig.allOutputsSafe());
    }

    private Map<String, DigitalOutput> outputs() {
        return rig.pi4j().registry().allByType(DigitalOutput.class);
    }
}
