package dev.posbench.sim;

import dev.posbench.channel.CardApplication;
import dev.posbench.channel.Chip;
import java.util.Objects;
import java.util.Optional;

/**
 * A test card's chip with the state a real chip keeps: the offline PIN try counter lives on the
 * card, so it survives removal and the next transaction, and only a right PIN resets it.
 */
final class SimChip implements Chip {

    private final boolean answers;
    private final boolean offlinePin;
    private final String pin;
    private final int initialTries;
    private final CardApplication application;
    private int tries; // guarded by this: the terminal talks to the chip from its own thread

    SimChip(boolean answers, boolean offlinePin, String pin, int tries, CardApplication application) {
        this.answers = answers;
        this.offlinePin = offlinePin;
        this.pin = pin;
        this.initialTries = tries;
        this.tries = tries;
        this.application = application;
    }

    @Override
    public Optional<CardApplication> powerUpAndSelect() {
        return answers ? Optional.of(application) : Optional.empty();
    }

    @Override
    public boolean offlinePin() {
        return offlinePin;
    }

    @Override
    public synchronized int pinTryCounter() {
        return tries;
    }

    /**
     * As a real card: a wrong PIN costs a try and answers {@code 63Cx} with the tries left, so the
     * last wrong try answers {@code 63C0}; from then on every VERIFY, right or wrong, answers
     * {@code 6983}.
     */
    @Override
    public synchronized int verify(String candidate) {
        if (tries == 0) {
            return SW_PIN_BLOCKED;
        }
        if (Objects.equals(pin, candidate)) {
            tries = initialTries;
            return SW_OK;
        }
        tries--;
        return 0x63C0 | Math.min(tries, 0x0F);
    }

    @Override
    public synchronized String toString() {
        return "SimChip[aid=" + application.aid() + ", answers=" + answers + ", offlinePin=" + offlinePin
                + ", tries=" + tries + "]";
    }
}
