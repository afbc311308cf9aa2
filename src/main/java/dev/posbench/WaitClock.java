package dev.posbench;

import java.util.concurrent.atomic.LongAdder;

/**
 * How long the benches of this JVM sat blocked on the outside world: on the terminal's serial
 * line, on the bank's journal, on a motion's physical time. The benchmark sets it against the
 * wall time of a run: what is left is posbench's own overhead.
 */
public final class WaitClock {

    private static final LongAdder WAITED = new LongAdder();

    private WaitClock() {}

    /** Counts a wait that began at {@code startNanos} ({@link System#nanoTime()}) and ends now. */
    public static void since(long startNanos) {
        WAITED.add(System.nanoTime() - startNanos);
    }

    /** Every wait counted so far, in nanoseconds, over all threads. */
    public static long total() {
        return WAITED.sum();
    }
}
