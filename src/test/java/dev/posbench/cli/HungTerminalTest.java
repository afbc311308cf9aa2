package dev.posbench.cli;

import org.junit.jupiter.api.Order;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A terminal that freezes mid-sale (alive, reading, answering nothing) fails the scenario it froze
 * in, with its evidence; before the next scenario the bench finds it still not idle, power-cycles
 * it, and the run goes on.
 */
@Execution(ExecutionMode.CONCURRENT)
@Order(5)
class HungTerminalTest {

    @Test
    void aFrozenTerminalIsPowerCycledAndTheRunGoesOn() {
        PosbenchRun run = PosbenchRun.execute("run", "--no-html", "--benches", "1", "--reports",
                PosbenchRun.tempDir().toString(), "--tags", "@CV-01 or @CV-06", "--sim-defect", "hang-once");
        assertEquals(ExitCode.FAILED, run.exitCode(), run.out() + run.err());
        List<PosbenchRun.Row> rows = run.rows();
        assertEquals(2, rows.size(), run.out());
        PosbenchRun.Row frozen = rows.stream().filter(r -> r.outcome().equals("FAILED")).findFirst()
                .orElseThrow(() -> new AssertionError("the scenario the terminal froze in failed:\n" + run.out()));
        assertTrue(frozen.failure().contains("did not show"), "it failed waiting on the terminal: " + frozen);
        assertEquals(1, rows.stream().filter(r -> r.outcome().equals("PASSED")).count(),
                "the scenario after the power cycle passed:\n" + run.out());
    }
}
