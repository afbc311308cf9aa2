package dev.posbench;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT (Ctrl-C) and SIGTERM (a CI server cancelling the job) end a run cleanly rather than
 * kill it: the rig goes safe at once, the scenario in progress is marked interrupted, those not
 * begun are not run, and the results, summary and report of what ran are written before posbench
 * exits with 130 or 143.
 *
 * <p>Signals belong to the process, so this is process-wide: a run {@link #watch watches} while it
 * goes on, and the JVM's own handling (exit at once) comes back when the last watcher leaves. A
 * second signal while the first is being handled exits at once, the rig already safe.
 *
 * <p>What no software can do: a SIGKILL, or a crash of the JVM, runs none of this, and GPIO lines
 * stay as they were. The README says how a rig is made safe in hardware.
 */
public final class Interruption {

    private static final Logger LOG = LoggerFactory.getLogger(Interruption.class);
    private static final Map<String, Integer> EXIT_CODES = Map.of("INT", 130, "TERM", 143);

    private static final List<Consumer<String>> WATCHERS = new CopyOnWriteArrayList<>();
    private static final Map<String, SignalHandler> PREVIOUS = new java.util.HashMap<>();
    private static volatile String signal;

    private Interruption() {}

    /**
     * Calls {@code onSignal} with a description ("SIGTERM") when the process is told to stop, until
     * the returned handle is closed.
     */
    public static synchronized Watch watch(Consumer<String> onSignal) {
        if (WATCHERS.isEmpty()) {
            signal = null;
            for (String name : EXIT_CODES.keySet()) {
                try {
                    PREVIOUS.put(name, Signal.handle(new Signal(name), Interruption::received));
                } catch (IllegalArgumentException e) {
                    // the JVM was started with -Xrs, or the platform has no such signal: its default stands
                    LOG.debug("cannot handle SIG{}: {}", name, e.getMessage());
                }
            }
        }
        WATCHERS.add(onSignal);
        return () -> leave(onSignal);
    }

    private static synchronized void leave(Consumer<String> onSignal) {
        WATCHERS.remove(onSignal);
        if (WATCHERS.isEmpty()) {
            PREVIOUS.forEach((name, handler) -> Signal.handle(new Signal(name), handler));
            PREVIOUS.clear();
        }
    }

    private static void received(Signal s) {
        String name = "SIG" + s.getName();
        if (signal != null) {
            LOG.warn("{} again while stopping: exiting at once", name);
            Runtime.getRuntime().halt(EXIT_CODES.getOrDefault(s.getName(), 1));
        }
        signal = s.getName();
        LOG.warn("{}: making the rig safe and ending the run; the results so far are kept (again to exit at once)",
                name);
        for (Consumer<String> watcher : WATCHERS) {
            try {
                watcher.accept(name);
            } catch (RuntimeException e) {
                LOG.error("stopping on {} failed", name, e);
            }
        }
    }

    /** The signal that interrupted the run, as "SIGTERM", if one did. */
    public static Optional<String> signal() {
        String s = signal;
        return s == null ? Optional.empty() : Optional.of("SIG" + s);
    }

    /** 130 after SIGINT, 143 after SIGTERM (128 + the signal's number, as shells report it). */
    public static Optional<Integer> exitCode() {
        String s = signal;
        return s == null ? Optional.empty() : Optional.of(EXIT_CODES.get(s));
    }

    /** @throws RunInterruptedException when the run was interrupted: a scenario about to begin is not run */
    public static void check() {
        signal().ifPresent(name -> {
            throw new RunInterruptedException("not run: posbench was stopped by " + name);
        });
    }

    /** A watch on the signals; closing it stops watching. */
    @FunctionalInterface
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /** A scenario the run could not begin, or had to end, because posbench was told to stop. */
    public static final class RunInterruptedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public RunInterruptedException(String message) {
            super(message);
        }
    }
}
