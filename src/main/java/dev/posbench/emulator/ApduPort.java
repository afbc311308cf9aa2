package dev.posbench.emulator;

import java.util.Optional;

/** One chip reader's line to whatever card sits in it: the contact slot, or the contactless field. */
@FunctionalInterface
interface ApduPort {

    /**
     * Sends one command APDU and waits for its response, status word last. Empty when no card is
     * there or the card did not answer in time (a dead chip is mute): the port keeps the reader's
     * timeout, so callers never wait on their own.
     */
    Optional<byte[]> exchange(byte[] command);
}
