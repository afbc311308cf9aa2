package dev.posbench.emulator;

import dev.posbench.channel.WorldMessage;

/**
 * The terminal's chip readers, contacts and antenna. The card is not the terminal's: over the
 * contract it sits on the bench's side, reached in APDUs; in the emulator's own tests it is a fake.
 */
@FunctionalInterface
interface ChipReader {

    /** A session with whatever card is on {@code reader} now, freshly powered up. */
    Chip connect(WorldMessage.Reader reader);
}
