package dev.posbench.cli;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.BadInputException;
import dev.posbench.bench.Bench;
import dev.posbench.config.BenchConfig;
import dev.posbench.sim.PseudoTerminal;
import dev.posbench.terminal.SerialLink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Bad input ends with one clear message naming the file, field or device, exit code 2, and nothing left on. */
@Execution(ExecutionMode.CONCURRENT)
class BadInputTest {

    @Test
    void unknownCardIdNamesTheDeckAndItsIds() {
        PosbenchRun run = PosbenchRun.run("--features", "src/test/resources/features/unknown-card.feature");
        assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.out() + run.err());
        assertTrue(run.row("CV-01").contains("BAD INPUT"), run.out());
        assertTrue(run.out().contains("bench-config/cards.yaml: no card with id \"stripe-unionpey\""), run.out());
        assertTrue(run.out().contains("stripe-unionpay"), "the message lists the ids the deck has");
    }

    @Test
    void undefinedStepIsBadInput() {
        PosbenchRun run = PosbenchRun.run("--features", "src/test/resources/features/undefined-step.feature");
        assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("matches no step definition"), run.err());
    }

    @Test
    void missingProfileFieldNamesFileAndFieldAndWritesNothing() throws IOException {
        Path config = copyOfBenchConfig();
        Path profile = config.resolve("terminals/reference.yaml");
        Files.writeString(profile, Files.readString(profile).replaceFirst("(?m)^  host: .*\\n", ""));
        Path reports = PosbenchRun.tempDir().resolve("reports");
        PosbenchRun run = PosbenchRun.execute("run", "--config", config.toString(), "--reports", reports.toString());
        assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.out() + run.err());
        assertEquals("posbench: " + profile + ": timeouts.host: missing", run.err().strip());
        assertFalse(Files.exists(reports), "a run that cannot start writes nothing");
    }

    /** The tries-left step reads its number through a named group; a profile without one is told so, by field. */
    @Test
    void triesLeftWithoutANamedGroupNamesTheProfileField() throws IOException {
        Path config = copyOfBenchConfig();
        Path profile = config.resolve("terminals/reference.yaml");
        Files.writeString(profile, Files.readString(profile)
                .replaceFirst("(?m)^  INCORRECT_PIN: .*$", "  INCORRECT_PIN: \"INCORRECT PIN\""));
        PosbenchRun run = PosbenchRun.run("--config", config.toString(), "--tags", "@CV-03");
        assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.out() + run.err());
        assertTrue(run.row("CV-03").contains("BAD INPUT"), run.out());
        // the folder's name is left out: its random digits may be masked as a PAN would be
        assertTrue(run.out().contains("/terminals/reference.yaml: outcomes.INCORRECT_PIN: /INCORRECT PIN/ has no named"
                + " group (?<tries>"), run.out());
    }

    @Test
    void checkVerbReportsTheSameFault() throws IOException {
        Path config = copyOfBenchConfig();
        Path cards = config.resolve("cards.yaml");
        Files.writeString(cards, Files.readString(cards).replaceFirst("expiry: \"3012\"", "expiry: \"3013\""));
        PosbenchRun run = PosbenchRun.execute("check", "--config", config.toString());
        assertEquals(ExitCode.BAD_INPUT, run.exitCode());
        assertTrue(run.err().contains(cards + ": cards[0].expiry: \"3013\" is not an expiry as YYMM"), run.err());
        assertEquals(ExitCode.PASSED, PosbenchRun.execute("check").exitCode());
    }

    @Test
    void busySerialPortNamesTheDeviceBeforeAnyPinMoves() throws IOException {
        try (PseudoTerminal pty = PseudoTerminal.open();
                SerialLink holder = SerialLink.open(pty.devicePath().toString(), BenchConfig.load(Path.of("bench-config")).profile().serial())) {
            Path config = copyOfBenchConfig();
            Path rig = config.resolve("rig.yaml");
            Files.writeString(rig, Files.readString(rig)
                    .replace("kind: sim", "kind: pi")
                    .replace("port: /dev/ttyUSB0", "port: " + holder.device()));
            PosbenchRun run = PosbenchRun.execute("run", "--config", config.toString(), "--no-html",
                    "--reports", PosbenchRun.tempDir().toString());
            assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().startsWith("posbench: " + holder.device() + ": busy"), run.err());
            assertEquals(1, run.err().strip().lines().count(), "one message: " + run.err());
        }
    }

    /** A Pi rig on a machine without its GPIO chip: exit 2 with doctor's message, never mock pins. */
    @Test
    void aPiRigWithoutItsGpioChipStopsWithDoctorsMessage() throws IOException {
        try (PseudoTerminal pty = PseudoTerminal.open()) {
            Path config = copyOfBenchConfig();
            Path rig = config.resolve("rig.yaml");
            Files.writeString(rig, Files.readString(rig)
                    .replace("kind: sim", "kind: pi")
                    .replace("port: /dev/ttyUSB0", "port: " + pty.devicePath())
                    .replace("chip: gpiochip0", "chip: gpiochip97"));
            PosbenchRun run = PosbenchRun.execute("run", "--config", config.toString(), "--no-html",
                    "--reports", PosbenchRun.tempDir().toString());
            assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().startsWith("posbench: /dev/gpiochip97 (" + rig + " gpio.chip): no such GPIO chip device;"),
                    run.err());
            PosbenchRun doctor = PosbenchRun.execute("doctor", "--config", config.toString());
            assertEquals(ExitCode.BAD_INPUT, doctor.exitCode(), doctor.out() + doctor.err());
            String chipMessage = run.err().strip().substring("posbench: ".length());
            assertTrue(doctor.out().contains("FAIL  GPIO chip: " + chipMessage), doctor.out());
            assertTrue(doctor.out().contains("ok    serial device " + pty.devicePath()), doctor.out());
        }
    }

    @Test
    void missingSerialDeviceIsNamed() throws IOException {
        Path config = copyOfBenchConfig();
        Path rig = config.resolve("rig.yaml");
        Files.writeString(rig, Files.readString(rig).replace("kind: sim", "kind: pi")
                .replace("port: /dev/ttyUSB0", "port: /dev/ttyNOPE7"));
        PosbenchRun run = PosbenchRun.execute("run", "--config", config.toString(), "--no-html");
        assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().startsWith("posbench: /dev/ttyNOPE7: no such serial device"), run.err());
    }

    @Test
    void unknownDefectAndBadOptionsAreBadUsage() {
        PosbenchRun defect = PosbenchRun.run("--sim-defect", "approve-everything");
        assertEquals(ExitCode.BAD_INPUT, defect.exitCode());
        assertTrue(defect.err().contains("approve-on-decline"), "lists the known defects: " + defect.err());

        assertEquals(ExitCode.BAD_INPUT, PosbenchRun.execute("run", "--frobnicate").exitCode());
        PosbenchRun noMatch = PosbenchRun.run("--tags", "@XX-99");
        assertEquals(ExitCode.BAD_INPUT, noMatch.exitCode());
        assertTrue(noMatch.err().contains("no scenario matched --tags @XX-99"), noMatch.err());
        assertEquals(ExitCode.BAD_INPUT, PosbenchRun.run("--features", "features/nowhere").exitCode());
        PosbenchRun badName = PosbenchRun.run("--name", "expired (");
        assertEquals(ExitCode.BAD_INPUT, badName.exitCode());
        assertTrue(badName.err().contains("--name expired (: not a regular expression"), badName.err());
        PosbenchRun noName = PosbenchRun.run("--tags", "@CR-07", "--name", "nothing like this");
        assertEquals(ExitCode.BAD_INPUT, noName.exitCode());
        assertTrue(noName.err().contains("no scenario matched --tags @CR-07 --name nothing like this"), noName.err());
    }

    /** A step's bad input ends the scenario; closing the bench still brings every actuator low. */
    @Test
    void noActuatorIsLeftOnAfterBadInputMidScenario() {
        BenchConfig config = BenchConfig.load(Path.of("bench-config"));
        Bench bench = Bench.start(config, Set.of());
        try {
            bench.rig().power(true);
            bench.rig().insert(config.deck().card("chip-visa").slot());
            assertTrue(bench.rig().anyOutputHigh());
            BadInputException bad = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class,
                    () -> config.deck().card("no-such-card"));
            assertTrue(bad.getMessage().startsWith("bench-config/cards.yaml: no card with id"));
        } finally {
            bench.close();
        }
        assertFalse(bench.rig().anyOutputHigh(), "power relay, insert actuator, selector: all low");
    }

    static Path copyOfBenchConfig() throws IOException {
        return PosbenchRun.copyTree(Path.of("bench-config"), PosbenchRun.tempDir().resolve("bench-config"));
    }
}
