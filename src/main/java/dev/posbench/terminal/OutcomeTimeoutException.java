package dev.posbench.terminal;

import java.time.Duration;

/**
 * The terminal did not show what a step waited for in time. An {@link AssertionError}, so a
 * scenario shows it as a failure of the terminal (not a broken bench). The message quotes what was
 * expected, the timeout and the last lines the terminal sent, PANs masked.
 */
public final class OutcomeTimeoutException extends AssertionError {

    private final String expected;
    private final Duration timeout;

    OutcomeTimeoutException(String expected, Duration timeout, String message) {
        super(message);
        this.expected = expected;
        this.timeout = timeout;
    }

    /** What the wait was for, as the step described it. */
    public String expected() {
        return expected;
    }

    public Duration timeout() {
        return timeout;
    }
}
