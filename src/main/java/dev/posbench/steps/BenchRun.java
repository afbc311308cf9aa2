package dev.posbench.steps;

import dev.posbench.bench.Bench;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bench of the run in progress. {@code posbench run} starts the bench once (a bad
 * configuration ends the run before Cucumber starts) and hands it to the glue here; Cucumber
 * builds step classes per scenario and cannot be given it any other way.
 */
public final class BenchRun {

    private static final AtomicReference<Bench> CURRENT = new AtomicReference<>();

    private BenchRun() {}

    public static void attach(Bench bench) {
        if (!CURRENT.compareAndSet(null, bench)) {
            throw new IllegalStateException("a bench is already attached: one run at a time per JVM");
        }
    }

    public static void detach(Bench bench) {
        CURRENT.compareAndSet(bench, null);
    }

    static Bench current() {
        Bench bench = CURRENT.get();
        if (bench == null) {
            throw new IllegalStateException("posbench steps run inside `posbench run`, which starts the bench");
        }
        return bench;
    }
}
