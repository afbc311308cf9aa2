package dev.posbench.steps;

import dev.posbench.bench.Bench;
import dev.posbench.channel.Key;
import dev.posbench.terminal.OutcomeTimeoutException;
import dev.posbench.terminal.Outcome;
import dev.posbench.terminal.TerminalProfile;
import java.time.Duration;
import java.util.Map;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks the terminal to idle before a scenario, recovering as a technician would: take the card
 * out, press CANCEL, and as a last resort switch the power off and on. It remembers whether it has
 * powered the terminal on, per bench.
 */
final class TerminalStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(TerminalStrategy.class);
    private static final Map<Bench, TerminalStrategy> BY_BENCH = new WeakHashMap<>();

    private final Bench bench;
    private boolean powered;

    private TerminalStrategy(Bench bench) {
        this.bench = bench;
    }

    static synchronized TerminalStrategy of(Bench bench) {
        return BY_BENCH.computeIfAbsent(bench, TerminalStrategy::new);
    }

    private TerminalProfile profile() {
        return bench.config().profile();
    }

    /** Before a scenario: the terminal powered and idle, whatever the last scenario left. */
    synchronized void ready() {
        if (!powered) {
            powerCycle();
            return;
        }
        if (idleWithin(Duration.ZERO)) {
            return;
        }
        LOG.info("terminal not idle before the scenario: removing the card and pressing CANCEL");
        bench.rig().remove();
        bench.rig().press(Key.CANCEL);
        if (idleWithin(profile().timeouts().outcomeWait())) {
            return;
        }
        LOG.warn("terminal still not idle: switching its power off and on");
        powerCycle();
    }

    private void powerCycle() {
        bench.rig().remove();
        bench.rig().power(false);
        bench.rig().power(true);
        powered = true;
        Duration wait = profile().timeouts().boot().plus(profile().timeouts().outcomeWait());
        bench.link().transcript().awaitLast(profile().pattern(Outcome.IDLE), wait,
                "IDLE after power-on (" + profile().file() + " outcomes.IDLE: /" + profile().pattern(Outcome.IDLE) + "/)");
    }

    /** Within a scenario: wait for the terminal to finish what it is doing and show idle. */
    void awaitIdle(Scenario scenario) {
        bench.link().transcript().awaitLast(scenario.pattern(Outcome.IDLE), scenario.outcomeWait(),
                scenario.describe(Outcome.IDLE));
    }

    private boolean idleWithin(Duration wait) {
        try {
            bench.link().transcript().awaitLast(profile().pattern(Outcome.IDLE), wait, "IDLE");
            return true;
        } catch (OutcomeTimeoutException e) {
            return false;
        }
    }

    /** After the run the terminal is switched off with the rest of the rig; a next run boots it again. */
    static synchronized void forget(Bench bench) {
        BY_BENCH.remove(bench);
    }
}
