package dev.posbench.emulator;

import dev.posbench.channel.Apdus;
import java.util.Optional;

/** A chip card's contacts, with a PIN try counter that the card itself keeps. */
final class FakeChip implements Chip {

    private final Optional<CardApplication> application;
    private final boolean offlinePin;
    private final String pin;
    private int tries;
    private int verifications;

    private FakeChip(Optional<CardApplication> application, boolean offlinePin, String pin, int tries) {
        this.application = application;
        this.offlinePin = offlinePin;
        this.pin = pin;
        this.tries = tries;
    }

    static FakeChip onlinePin(CardApplication application) {
        return new FakeChip(Optional.of(application), false, "", 3);
    }

    static FakeChip offlinePin(CardApplication application, String pin, int tries) {
        return new FakeChip(Optional.of(application), true, pin, tries);
    }

    /** A chip that never answers to reset. */
    static FakeChip dead() {
        return new FakeChip(Optional.empty(), false, "", 3);
    }

    @Override
    public synchronized Optional<CardApplication> powerUpAndSelect() {
        return application;
    }

    @Override
    public boolean offlinePin() {
        return offlinePin;
    }

    @Override
    public synchronized int pinTryCounter() {
        return tries;
    }

    @Override
    public synchronized int verify(String entered) {
        verifications++;
        if (tries == 0) {
            return Apdus.SW_PIN_BLOCKED;
        }
        if (entered.equals(pin)) {
            tries = 3;
            return Apdus.SW_OK;
        }
        tries--;
        return 0x63C0 | tries;
    }

    synchronized int verifications() {
        return verifications;
    }
}
