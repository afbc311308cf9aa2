package dev.posbench.cli;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.posbench.channel.Pans;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bad input at the terminal contract's seam: a program that cannot be found, exits at once, never
 * connects, never opens its serial end, never shows idle, or sends a line the contract does not
 * know. Each ends the run with one message naming {@code rig.yaml terminal.command} and exit code
 * 2 (configuration) or 4 (the program broke the contract); the program's output is kept, masked.
 */
@Execution(ExecutionMode.CONCURRENT)
@Order(8)
class TerminalContractTest {

    private static final String PROGRAMS = Path.of("src/test/resources/terminal-programs").toAbsolutePath().toString();

    @Test
    void aProgramThatCannotBeFoundIsAConfigurationError() throws IOException {
        Path config = configWith(List.of("./no-such-terminal", "--fast"));
        PosbenchRun run = PosbenchRun.execute("check", "--config", config.toString());
        assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.out() + run.err());
        // a temporary folder's name may hold a long digit run, which every message masks as if it were a PAN
        assertEquals(Pans.maskAll("posbench: " + config.resolve("rig.yaml") + ": terminal.command: \"./no-such-terminal\" "
                + "is not an executable file (relative to " + config.toAbsolutePath().normalize() + ")"), Pans.maskAll(run.err().strip()));
    }

    @Test
    void anUnknownPlaceholderIsAConfigurationError() throws IOException {
        Path config = configWith(List.of("sh", "-c", "exit 0", "${serialPort}"));
        PosbenchRun run = PosbenchRun.execute("check", "--config", config.toString());
        assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("terminal.command: unknown placeholder ${serialPort}"), run.err());
    }

    @Test
    void aProgramThatExitsAtOnceStopsTheRunWithItsOutputMasked() throws IOException {
        Path config = configWith(List.of("sh", "-c", "echo 'no licence for card 4761739001010119' >&2; exit 7"));
        PosbenchRun run = runOn(config);
        assertEquals(ExitCode.BROKEN_PROGRAM, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().startsWith(Pans.maskAll("posbench: terminal program `sh -c echo 'no licence for card "
                + "4761739001010119' >&2; exit 7` (" + config.resolve("rig.yaml") + ": terminal.command) exited at once "
                + "with code 7")), run.err());
        assertTrue(run.out().contains("stderr | no licence for card 476173******0119"), "its output, masked: " + run.out());
        assertFalse((run.out() + run.err()).contains("4761739001010119"), "no full PAN anywhere");
    }

    @Test
    void aProgramThatNeverConnectsIsNamed() throws IOException {
        PosbenchRun run = runOn(quickConfigWith(List.of("sleep", "600")));
        assertEquals(ExitCode.BROKEN_PROGRAM, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("never connected to the world socket POSBENCH_WORLD=127.0.0.1:"), run.err());
    }

    @Test
    void aProgramThatNeverOpensItsSerialEndIsNamed() throws IOException {
        PosbenchRun run = runOn(quickConfigWith(List.of("python3", PROGRAMS + "/misbehaving.py", "no-serial")));
        assertEquals(ExitCode.BROKEN_PROGRAM, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("never opened its serial end POSBENCH_SERIAL=/dev/pts/"), run.err());
    }

    @Test
    void aProgramThatNeverShowsIdleIsNamed() throws IOException {
        PosbenchRun run = runOn(quickConfigWith(List.of("python3", PROGRAMS + "/misbehaving.py", "no-idle")));
        assertEquals(ExitCode.BROKEN_PROGRAM, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("never showed IDLE: expected IDLE"), run.err());
    }

    @Test
    void aLineOfAnotherContractVersionStopsTheRun() throws IOException {
        PosbenchRun run = runOn(configWith(List.of("python3", PROGRAMS + "/misbehaving.py", "bad-version")));
        assertEquals(ExitCode.BROKEN_PROGRAM, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("broke the terminal contract: contract version 2; this side speaks version 1"),
                run.err());
    }

    @Test
    void aLineThatIsNotJsonStopsTheRunAndIsQuotedMasked() throws IOException {
        PosbenchRun run = runOn(configWith(List.of("python3", PROGRAMS + "/misbehaving.py", "not-json")));
        assertEquals(ExitCode.BROKEN_PROGRAM, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("broke the terminal contract: not JSON"), run.err());
        assertTrue(run.err().contains("the line was: SELECT 621234******1232"), run.err());
        assertFalse((run.out() + run.err()).contains("6212345678901232"), "no full PAN anywhere");
    }

    private static PosbenchRun runOn(Path config) {
        return PosbenchRun.run("--config", config.toString(), "--tags", "@CV-01");
    }

    /** A copy of bench-config whose terminal program is {@code command}. */
    static Path configWith(List<String> command) throws IOException {
        Path config = BadInputTest.copyOfBenchConfig();
        Path rig = config.resolve("rig.yaml");
        String text = Files.readString(rig);
        String replaced = text.replaceFirst("(?s)  command: \\[.*?]\\n(  startTimeout: [^\\n]*\\n)?",
                "  command: " + new ObjectMapper().writeValueAsString(command).replace("\\", "\\\\").replace("$", "\\$") + "\n"
                        // these programs are scripts, up in milliseconds: one that never says hello is known soon
                        + "  startTimeout: 3s\n");
        assertFalse(text.equals(replaced), "rig.yaml has a terminal.command to replace");
        Files.writeString(rig, replaced);
        return config;
    }

    /**
     * As {@link #configWith}, with the terminal's timers short: the bench waits for a program that
     * never comes up as long as the profile's timers allow, and these tests are about that wait.
     */
    static Path quickConfigWith(List<String> command) throws IOException {
        Path config = configWith(command);
        Path profile = config.resolve("terminals/reference.yaml");
        Files.writeString(profile, Files.readString(profile)
                .replaceFirst("presentCard: .*", "presentCard: 500ms")
                .replaceFirst("pinEntry: .*", "pinEntry: 500ms")
                .replaceFirst("otpEntry: .*", "otpEntry: 500ms")
                .replaceFirst("host: .*", "host: 100ms")
                .replaceFirst("reversalRetries: .*", "reversalRetries: 0"));
        return config;
    }
}
