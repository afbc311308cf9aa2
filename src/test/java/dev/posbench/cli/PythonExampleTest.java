package dev.posbench.cli;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verdicts mean something for a terminal posbench's authors did not write: the example
 * terminal of {@code examples/python-terminal/}, written from the contract document alone, with
 * one deliberate mistake (a host timeout leaves nothing owed, so no reversal goes out) fails
 * exactly the scenarios about that mistake, and every other scenario it can take still passes.
 * {@code .ci/run} runs the sound copy over the whole catalog.
 */
@Execution(ExecutionMode.CONCURRENT)
@Order(6)
class PythonExampleTest {

    private static final Path EXAMPLE = Path.of("examples/python-terminal");
    /** The branch that decides what a failed exchange leaves owed. */
    private static final String OWES = "        if result.reversal_reason is None:\n";
    private static final String FORGETS_TIMEOUTS = "        if result.reversal_reason is None or result is TIMEOUT:\n";

    @Test
    void aTimeoutLeftUnreversedFailsExactlyTheScenariosAboutIt() throws IOException {
        Path config = copyWithMistake();
        // the whole catalog: three benches share it out (a Python terminal costs the machine little)
        PosbenchRun run = PosbenchRun.runOn(3, "--config", config.toString());

        assertEquals(ExitCode.FAILED, run.exitCode(), run.out() + run.err());
        List<String> failed = run.out().lines().filter(l -> l.matches("\\S+\\s+FAILED\\s.*"))
                .map(l -> l.split("\\s+")[0]).toList();
        assertEquals(List.of("HC-01", "HC-11"), failed, "only the paths whose authorization times out:\n" + run.out());
        assertTrue(run.row("HC-01").contains("the bank did not receive a reversal (0400)"), run.row("HC-01"));
        // every other scenario it can take still passes: the mistake breaks those two and nothing else
        assertTrue(run.out().lines().anyMatch(l -> l.matches("\\d+ passed, 2 failed")), run.out());
    }

    /** The example and its config folder in a temporary place, its bank answers taken from bench-config. */
    private static Path copyWithMistake() throws IOException {
        Path target = PosbenchRun.copyTree(EXAMPLE, PosbenchRun.tempDir().resolve("python-terminal"));
        Path program = target.resolve("terminal.py");
        String source = Files.readString(program);
        assertEquals(1, source.split(OWES, -1).length - 1, "terminal.py decides once what a failure owes");
        Files.writeString(program, source.replace(OWES, FORGETS_TIMEOUTS));

        Path bank = target.resolve("bench-config/bank.yaml");
        Path mappings = Path.of("bench-config/bank").toAbsolutePath();
        Files.writeString(bank, Files.readString(bank)
                .replace("../../../bench-config/bank/base", mappings.resolve("base").toString())
                .replace("../../../bench-config/bank/answers", mappings.resolve("answers").toString()));
        return target.resolve("bench-config");
    }
}
