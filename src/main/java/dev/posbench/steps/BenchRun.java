package dev.posbench.steps;

import dev.posbench.bench.Bench;
import dev.posbench.bench.Benches;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The benches of the run in progress. {@code posbench run} starts them (a bad configuration ends
 * the run before Cucumber starts) and hands them to the glue here; Cucumber builds step classes
 * per scenario and cannot be given them any other way.
 *
 * <p>Cucumber runs scenarios on as many threads as there may be benches. A thread takes a bench
 * the first time one of its scenarios asks (the run starts it then), and keeps it to the end of the run: everything one
 * bench does (its transcript, its bank's journal, the reversals its terminal still owes) stays on
 * that bench, and two scenarios never share one at the same time.
 *
 * <p>The run is bound to the thread that attaches it and to the threads that thread starts (an
 * inheritable thread local), so several runs may go on in one JVM side by side, each with its own
 * benches.
 */
public final class BenchRun implements AutoCloseable {

    private static final InheritableThreadLocal<BenchRun> CURRENT = new InheritableThreadLocal<>();

    private final Benches benches;
    private final Map<Thread, Bench> taken = new ConcurrentHashMap<>();
    private final String rig;
    /** A pool thread started during the run inherits it; once the run is over it must not count. */
    private volatile boolean open = true;

    private BenchRun(Benches benches, String rig) {
        this.benches = benches;
        this.rig = rig;
    }

    /**
     * Binds these benches to this thread and the threads it starts, until {@link #close()}.
     *
     * @param rig the rig's name in the evidence (its lane when results of several rigs are merged)
     */
    public static BenchRun attach(Benches benches, String rig) {
        if (CURRENT.get() != null && CURRENT.get().open) {
            throw new IllegalStateException("this thread already runs on a bench: one run at a time per thread");
        }
        BenchRun run = new BenchRun(benches, rig);
        CURRENT.set(run);
        return run;
    }

    @Override
    public void close() {
        open = false;
        CURRENT.remove();
    }

    static Bench current() {
        BenchRun run = run();
        Bench mine = run.taken.get(Thread.currentThread());
        if (mine == null) {
            mine = run.benches.take();
            run.taken.put(Thread.currentThread(), mine);
        }
        return mine;
    }

    /** The rig this run is on, by the name the report gives it. */
    static String rig() {
        return run().rig;
    }

    private static BenchRun run() {
        BenchRun run = CURRENT.get();
        if (run == null || !run.open) {
            throw new IllegalStateException("posbench steps run inside `posbench run`, which starts the bench");
        }
        return run;
    }
}
