package dev.posbench.rig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import dev.posbench.BadInputException;
import dev.posbench.channel.Key;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RigTest {

    private final RigSpec spec = RigSpecs.simulated();
    private Rig rig = Rig.simulated(spec);

    @AfterEach
    void closeRig() {
        rig.close();
    }

    @Test
    void outputsAreNamedForWhatTheyDriveAndStartLow() {
        Map<String, DigitalOutput> outputs = outputs();
        assertTrue(outputs.keySet().containsAll(List.of("swipe-carriage", "insert-actuator", "tap-actuator",
                "power-relay", "card-select-bit-0", "card-select-bit-2", "key-5", "key-enter", "key-clear")),
                outputs.keySet().toString());
        assertEquals(spec.outputPins().size(), outputs.size());
        assertEquals(17, outputs.get("swipe-carriage").config().address());
        assertTrue(outputs.values().stream().allMatch(DigitalOutput::isLow));
        assertFalse(rig.anyOutputHigh());
        assertTrue(rig.pi4j().registry().exists("emergency-stop"));
    }

    @Test
    void selectCardPutsTheSlotInBinaryOnTheSelectorPinsLeastSignificantFirst() {
        rig.selectCard(5);
        assertEquals(List.of(true, false, true), selectorBits());
        rig.selectCard(2);
        assertEquals(List.of(false, true, false), selectorBits());
    }

    @Test
    void aSlotTheSelectorCannotReachIsBadInputNamingTheCardSelector() {
        for (int slot : new int[] {8, -1}) {
            BadInputException e = assertThrows(BadInputException.class, () -> rig.swipe(slot, 90));
            assertEquals("bench-config/rig.yaml gpio.cardSelector", e.where());
            assertTrue(e.getMessage().contains("slots 0..7"), e.getMessage());
        }
        assertFalse(rig.log().render(new ActuationLog.Mark(0)).contains("swipe"), "no motion started");
    }

    @Test
    void aKeyWithoutSolenoidIsBadInputNamingTheKeysPins() {
        rig.close();
        rig = Rig.simulated(RigSpecs.withKeys(Key.DIGIT_1, Key.ENTER));
        BadInputException e = assertThrows(BadInputException.class, () -> rig.press(Key.CLEAR));
        assertEquals("bench-config/rig.yaml gpio.keys.pins", e.where());
        assertTrue(e.getMessage().contains("CLEAR") && e.getMessage().contains("1, ENTER"), e.getMessage());
    }

    @Test
    void aPinWiredToTwoMechanismsIsBadInput() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> Rig.simulated(RigSpecs.withEmergencyStopOn(spec, spec.swipe().pin())));
        assertEquals("bench-config/rig.yaml gpio", e.where());
        assertTrue(e.getMessage().contains("swipe-carriage and emergency-stop"), e.getMessage());
    }

    @Test
    void aKeyPressHoldsTheSolenoidForThePressTimeAndReturnsReleased() {
        DigitalOutput solenoid = outputs().get("key-enter");
        long[] edges = new long[2];
        solenoid.addListener(event -> edges[event.state() == DigitalState.HIGH ? 0 : 1] = System.nanoTime());
        rig.press(Key.ENTER);
        assertTrue(solenoid.isLow(), "released when press() returns");
        long heldNanos = edges[1] - edges[0];
        assertTrue(heldNanos >= spec.keys().press().toNanos(), "held " + heldNanos / 1e6 + " ms");
    }

    @Test
    void insertHoldsTheCardInUntilRemove() {
        rig.insert(3);
        assertTrue(rig.cardInserted());
        assertTrue(outputs().get("insert-actuator").isHigh());
        assertThrows(IllegalStateException.class, () -> rig.insert(4), "one card at a time in the reader");
        rig.remove();
        assertFalse(rig.cardInserted());
        rig.remove(); // nothing in: nothing to do
        assertFalse(outputs().get("insert-actuator").isHigh());
    }

    @Test
    void emergencyStopDrivesEveryOutputLowAndRefusesMotionsUntilReleasedAndReset() {
        rig.power(true);
        rig.insert(7);
        assertTrue(rig.anyOutputHigh());

        emergencyStop().mockState(DigitalState.HIGH);

        assertFalse(rig.anyOutputHigh());
        assertThrows(RigStoppedException.class, () -> rig.swipe(1, 90));
        assertThrows(RigStoppedException.class, () -> rig.press(Key.ENTER));
        assertThrows(RigStoppedException.class, () -> rig.power(true));
        assertThrows(RigStoppedException.class, rig::resetEmergencyStop, "still pressed");
        assertThrows(RigStoppedException.class, () -> rig.selectCard(1), "a reset while pressed must not count");
        assertFalse(rig.anyOutputHigh());

        emergencyStop().mockState(DigitalState.LOW);
        assertThrows(RigStoppedException.class, () -> rig.tap(1), "released is not reset");
        rig.resetEmergencyStop();
        rig.power(true);
        assertTrue(outputs().get("power-relay").isHigh());
        String log = rig.log().render(new ActuationLog.Mark(0));
        assertTrue(log.contains("EMERGENCY STOP pressed") && log.contains("emergency stop reset"), log);
    }

    @Test
    void emergencyStopCutsAMotionShort() throws Exception {
        CountDownLatch moving = carriageMoving();
        long start = System.nanoTime();
        // 1 cm/s over a 100 mm stroke: a 10 s swipe, unless the stop ends it
        CompletableFuture<Void> swipe = CompletableFuture.runAsync(() -> rig.swipe(1, 1.0));
        assertTrue(moving.await(5, TimeUnit.SECONDS));

        emergencyStop().mockState(DigitalState.HIGH);

        ExecutionException e = assertThrows(ExecutionException.class, () -> swipe.get(5, TimeUnit.SECONDS));
        assertInstanceOf(RigStoppedException.class, e.getCause());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5, "the stroke was cut short");
        assertFalse(rig.anyOutputHigh());
    }

    @Test
    void anInterruptedMotionLeavesTheRigInItsSafeStateButNotStopped() throws Exception {
        rig.power(true);
        CountDownLatch moving = carriageMoving();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread motion = Thread.ofPlatform().start(() -> {
            try {
                rig.swipe(2, 1.0);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        assertTrue(moving.await(5, TimeUnit.SECONDS));

        motion.interrupt();
        motion.join(5000);

        assertInstanceOf(RigStoppedException.class, failure.get());
        assertFalse(rig.anyOutputHigh(), "the power relay too");
        rig.power(true); // no emergency stop: motions go on
        assertTrue(rig.anyOutputHigh());
    }

    @Test
    void closeLeavesEveryOutputLowAndIsIdempotent() {
        Map<String, DigitalOutput> outputs = outputs();
        rig.power(true);
        rig.insert(7);
        assertTrue(outputs.values().stream().filter(DigitalOutput::isHigh).count() >= 5, "power, insert, 3 bits");

        rig.close();
        rig.close();

        assertTrue(outputs.values().stream().allMatch(DigitalOutput::isLow));
        assertFalse(rig.anyOutputHigh());
        assertThrows(IllegalStateException.class, () -> rig.swipe(1, 90));
        assertTrue(rig.pi4j().isShutdown());
        assertTrue(rig.log().render(new ActuationLog.Mark(0)).contains("safe state: all outputs low (rig closing)"));
    }

    /** INV-3 on posbench's own evidence: the keys of a PIN move, the log never says which. */
    @Test
    void aSecretKeyPressMovesTheSolenoidButNamesNoDigit() {
        ActuationLog.Mark start = rig.log().mark();
        List<String> highs = new java.util.ArrayList<>();
        outputs().get("key-7").addListener(e -> highs.add(e.state().toString()));
        rig.pressSecret(Key.DIGIT_7);
        String log = rig.log().render(start);
        assertEquals(List.of("HIGH", "LOW"), highs, "the solenoid of 7 pressed and released");
        assertTrue(log.contains("key * (secret entry)") && log.contains("  key-* high"), log);
        assertFalse(log.contains("key 7") || log.contains("key-7"), "no digit of the secret in the log:\n" + log);
    }

    @Test
    void theActuationLogSaysWhatHappenedInTheDomainsWords() {
        ActuationLog.Mark start = rig.log().mark();
        rig.swipe(3, 90.0);
        rig.press(Key.ENTER);
        rig.press(Key.DIGIT_5);
        rig.power(true);
        ActuationLog.Mark later = rig.log().mark();
        rig.power(false);

        String all = rig.log().render(start);
        for (String row : List.of("swipe slot 3 at 90.0 cm/s", "  card-select-bit-0 high", "  card-select-bit-1 high",
                "  swipe-carriage high", "  swipe-carriage low", "key ENTER", "key 5", "power on")) {
            assertTrue(all.contains(row + "\n"), row + " missing in\n" + all);
        }
        assertTrue(all.lines().allMatch(line -> line.matches("\\d{2}:\\d{2}:\\d{2}\\.\\d{3}  (  )?\\S.*")), all);
        String since = rig.log().render(later);
        assertEquals(List.of("power off", "  power-relay low"),
                since.lines().map(line -> line.substring(14)).toList());
    }

    @Test
    void onPiWithoutTheChipDeviceIsBadInputNamingTheChip() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> Rig.onPi(RigSpecs.onChip(spec, "gpiochip99")));
        assertEquals("/dev/gpiochip99 (bench-config/rig.yaml gpio.chip)", e.where());
    }

    @Test
    void onPiWhereGpiodCannotDriveTheChipIsBadInputNamingTheChip() {
        // /dev/null exists everywhere and is no GPIO chip: the provider side of onPi must fail cleanly
        BadInputException e = assertThrows(BadInputException.class, () -> Rig.onPi(RigSpecs.onChip(spec, "null")));
        assertEquals("/dev/null (bench-config/rig.yaml gpio.chip)", e.where());
    }

    private Map<String, DigitalOutput> outputs() {
        return rig.pi4j().registry().allByType(DigitalOutput.class);
    }

    private List<Boolean> selectorBits() {
        Map<String, DigitalOutput> outputs = outputs();
        return List.of(outputs.get("card-select-bit-0").isHigh(), outputs.get("card-select-bit-1").isHigh(),
                outputs.get("card-select-bit-2").isHigh());
    }

    private MockDigitalInput emergencyStop() {
        return rig.pi4j().registry().get("emergency-stop", MockDigitalInput.class);
    }

    private CountDownLatch carriageMoving() {
        CountDownLatch moving = new CountDownLatch(1);
        outputs().get("swipe-carriage").addListener(event -> {
            if (event.state() == DigitalState.HIGH) {
                moving.countDown();
            }
        });
        return moving;
    }
}
