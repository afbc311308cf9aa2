package dev.posbench.bench;

import dev.posbench.channel.Key;
import dev.posbench.rig.Rig;
import dev.posbench.terminal.Outcome;
import dev.posbench.terminal.OutcomeTimeoutException;
import dev.posbench.terminal.SerialLink;
import dev.posbench.terminal.TerminalProfile;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks the terminal to idle before a scenario, recovering as a technician would: take the card
 * out, press CANCEL, and as a last resort switch the power off and on. One per bench, which
 * switched the terminal on (or not yet).
 */
public final class TerminalStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(TerminalStrategy.class);

    private final Rig rig;
    private final SerialLink link;
    private final TerminalProfile profile;
    private boolean powered;

    TerminalStrategy(Rig rig, SerialLink link, TerminalProfile profile) {
        this.rig = rig;
        this.link = link;
        this.profile = profile;
    }

    /** Before a scenario: the terminal powered and idle, whatever the last scenario left. */
    public synchronized void ready() {
        if (!powered) {
            powerCycle();
            return;
        }
        if (idleWithin(Duration.ZERO)) {
            return;
        }
        LOG.info("terminal not idle before the scenario: removing the card and pressing CANCEL");
        rig.remove();
        rig.press(Key.CANCEL);
        if (idleWithin(profile.timeouts().outcomeWait())) {
            return;
        }
        LOG.warn("terminal still not idle: switching its power off and on");
        powerCycle();
    }

    /** Waits for the terminal to finish what it is doing and show idle, as long as any of its timers may run. */
    public void awaitIdle() {
        awaitIdle(profile.timeouts().outcomeWait());
    }

    private void powerCycle() {
        rig.remove();
        rig.power(false);
        rig.power(true);
        powered = true;
        awaitIdle(profile.timeouts().boot().plus(profile.timeouts().outcomeWait()));
    }

    private void awaitIdle(Duration wait) {
        link.transcript().awaitLast(profile.pattern(Outcome.IDLE), wait, profile.describe(Outcome.IDLE));
    }

    private boolean idleWithin(Duration wait) {
        try {
            awaitIdle(wait);
            return true;
        } catch (OutcomeTimeoutException e) {
            return false;
        }
    }
}
