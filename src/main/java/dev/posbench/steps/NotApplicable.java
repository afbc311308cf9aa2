package dev.posbench.steps;

import java.io.Serial;
import org.opentest4j.TestAbortedException;

/**
 * The scenario needs something the terminal under test does not have (a chip reader, an antenna),
 * as its profile declares. Cucumber reports it as skipped, the summary as NOT APPLICABLE: never
 * passed, never failed.
 */
final class NotApplicable extends TestAbortedException {

    @Serial
    private static final long serialVersionUID = 1L;

    NotApplicable(String message) {
        super(message);
    }
}
