package dev.posbench.cli;

/** What {@code posbench} tells the shell; CI and night jobs branch on these. */
public final class ExitCode {
    /** Every scenario passed. */
    public static final int PASSED = 0;
    /** A scenario failed: the terminal did something the catalog says it must not. */
    public static final int FAILED = 1;
    /** Bad usage or configuration: a CLI option, a config field, a step argument, a missing or busy device. */
    public static final int BAD_INPUT = 2;
    /** posbench itself could not finish (the report could not be generated, an unexpected error). */
    public static final int BENCH_ERROR = 3;
    /** The terminal program on the simulated rig broke the terminal contract: no verdict on the terminal. */
    public static final int BROKEN_PROGRAM = 4;

    private ExitCode() {}
}
