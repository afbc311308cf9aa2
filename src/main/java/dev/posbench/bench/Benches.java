package dev.posbench.bench;

import dev.posbench.config.BenchConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The benches of one run, up to a number, closed together. Each is a whole bench of its own
 * (serial cable, bank port, terminal program, Pi4J context): nothing is shared but the
 * configuration they were built from.
 *
 * <p>The first bench starts at once, so a bad configuration or a busy port ends the run before
 * any scenario; the others start when a scenario thread first asks for one, so a run of two
 * scenarios never starts four terminal programs.
 */
public final class Benches implements AutoCloseable {

    private final BenchConfig config;
    private final Set<String> extraDefects;
    private final int max;
    private final List<Bench> started = new ArrayList<>();
    private final AtomicInteger handedOut = new AtomicInteger();
    private Bench first;
    private boolean closed;

    private Benches(BenchConfig config, Set<String> extraDefects, int max) {
        this.config = config;
        this.extraDefects = Set.copyOf(extraDefects);
        this.max = max;
    }

    /** Starts the first bench; up to {@code max} in all start on demand ({@link #take()}). */
    public static Benches start(BenchConfig config, Set<String> extraDefects, int max) {
        Benches benches = new Benches(config, extraDefects, max);
        benches.first = Bench.start(config, extraDefects, "bench-1");
        benches.started.add(benches.first);
        return benches;
    }

    /** The bench started first: what the terminal said of itself there holds for the run (every bench runs the same program). */
    public Bench first() {
        return first;
    }

    /**
     * A bench for a scenario thread that has none: the first one, then a newly started one.
     *
     * @throws IllegalStateException when every bench is taken (more threads than benches)
     */
    public Bench take() {
        dev.posbench.Interruption.check();
        int n = handedOut.incrementAndGet();
        if (n == 1) {
            return first;
        }
        if (n > max) {
            throw new IllegalStateException("more scenario threads than the run's " + max + " benches");
        }
        // started outside the lock: other threads may start their benches at the same time
        Bench bench = Bench.start(config, extraDefects, "bench-" + n);
        synchronized (started) {
            if (closed) {
                bench.close();
                throw new IllegalStateException("the run's benches are closed");
            }
            started.add(bench);
        }
        return bench;
    }

    /** posbench was told to stop: every bench started goes safe and its waits end ({@link Bench#interrupt}). */
    public void interrupt(String why) {
        List<Bench> all;
        synchronized (started) {
            all = new ArrayList<>(started);
        }
        all.forEach(b -> b.interrupt(why));
    }

    /**
     * Each started bench's actuation log from its last safe state on ("bench-1: 03:27:03.726 safe
     * state: ..." and the outputs it set): what the rig itself recorded, for the end of an interrupted run.
     */
    public List<String> lastSafeStates() {
        List<Bench> all;
        synchronized (started) {
            all = new ArrayList<>(started);
        }
        List<String> lines = new ArrayList<>();
        for (Bench b : all) {
            List<String> log = b.rig().log().render(new dev.posbench.rig.ActuationLog.Mark(0)).strip().lines().toList();
            int from = log.size() - 1;
            while (from > 0 && !log.get(from).contains("safe state")) {
                from--;
            }
            log.subList(Math.max(0, from), log.size()).forEach(l -> lines.add(b.id() + ": " + l.strip()));
        }
        return lines;
    }

    /** Why a bench's serial device is gone for good, if one's is. */
    public Optional<String> gone() {
        synchronized (started) {
            return started.stream().map(Bench::gone).flatMap(Optional::stream).findFirst();
        }
    }

    /** Every bench started, each to its safe state first (see {@link Bench#close()}), even when one fails to close. */
    @Override
    public void close() {
        List<Bench> all;
        synchronized (started) {
            closed = true;
            all = new ArrayList<>(started);
        }
        all.forEach(Bench::close);
    }
}
