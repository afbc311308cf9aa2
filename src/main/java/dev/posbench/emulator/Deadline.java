package dev.posbench.emulator;

import java.time.Duration;

/** A point in time the event loop waits until, on the monotonic clock; or never. */
record Deadline(long atNanos, boolean never) {

    static final Deadline NEVER = new Deadline(0, true);

    static Deadline after(Duration duration) {
        return new Deadline(System.nanoTime() + duration.toNanos(), false);
    }

    long remainingNanos() {
        return never ? Long.MAX_VALUE : atNanos - System.nanoTime();
    }
}
