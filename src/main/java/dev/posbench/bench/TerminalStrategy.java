package dev.posbench.bench;

import dev.posbench.channel.Key;
import dev.posbench.rig.Rig;
import dev.posbench.sim.TerminalProgram;
import dev.posbench.terminal.Outcome;
import dev.posbench.terminal.OutcomeTimeoutException;
import dev.posbench.terminal.SerialLink;
import dev.posbench.terminal.TerminalProfile;
import java.time.Duration;
import java.util.Optional;
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
    private final Optional<TerminalProgram> program;
    private boolean powered;

    TerminalStrategy(Rig rig, SerialLink link, TerminalProfile profile, Optional<TerminalProgram> program) {
        this.rig = rig;
        this.link = link;
        this.profile = profile;
        this.program = program;
    }

    /**
     * Before a scenario: the terminal powered and idle, whatever the last scenario left.
     *
     * @throws dev.posbench.TerminalProgramException when the terminal program broke the contract, now
     *                                               or earlier in the run: no verdict is possible
     */
    public synchronized void ready() {
        program.ifPresent(TerminalProgram::checkContract);
        // a program that died while powered (a crash) may have shown idle last: only a power cycle revives it
        if (!powered || program.map(p -> !p.running()).orElse(false)) {
            powerCycle();
            return;
        }
        if (link.transcript().lastCommandUnanswered()) {
            // it shows its last screen, idle perhaps, but answers nothing: only a power cycle brings it back
            LOG.warn("the terminal did not answer the bench's last command: switching its power off and on");
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

    /**
     * Switches the terminal's power off and on (a power cut: on the simulated rig its program is
     * killed) and waits for it to show idle again.
     */
    public synchronized void powerCycle() {
        rig.remove();
        rig.power(false);
        link.transcript().resume();
        // idle shown after power on, not the idle line a frozen terminal left on the link before it
        var afterPowerOn = link.transcript().cursorAtEnd();
        rig.power(true);
        powered = true;
        try {
            link.transcript().await(afterPowerOn, profile.pattern(Outcome.IDLE),
                    profile.timeouts().boot().plus(profile.timeouts().outcomeWait()), profile.describe(Outcome.IDLE));
        } catch (OutcomeTimeoutException e) {
            // on the simulated rig, a terminal that does not come up is a program that breaks the contract
            if (program.isPresent()) {
                throw program.get().notReady(e.getMessage().lines().findFirst().orElse(""));
            }
            throw e;
        }
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
