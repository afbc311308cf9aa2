package dev.posbench.report.beforeall;

import dev.posbench.BadInputException;
import io.cucumber.java.BeforeAll;

/**
 * A run whose start fails on bad input, before any scenario. Kept apart from the other glue, and
 * armed only by the test that wants it, so a run that happens to scan this package is unharmed.
 */
public class FailingStart {

    private static volatile boolean armed;

    public static void arm(boolean on) {
        armed = on;
    }

    @BeforeAll
    public static void start() {
        if (armed) {
            throw new BadInputException("bench-config/rig.yaml: serial.port", "/dev/ttyUSB7 does not exist");
        }
    }
}
