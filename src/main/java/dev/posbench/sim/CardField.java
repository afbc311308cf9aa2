package dev.posbench.sim;

import dev.posbench.channel.WorldMessage;

/**
 * Where the simulated cards are, as the terminal's readers reach them: the card seated in the chip
 * reader, the card over the antenna. The mechanics put them there; the terminal contract's APDUs
 * reach them through this.
 */
interface CardField {

    /** What a card did with a command APDU. */
    sealed interface Answer {
        record Response(byte[] bytes) implements Answer {}

        /** A dead chip: nothing comes back, ever. */
        record Mute() implements Answer {}

        /** No card on that reader. */
        record NoCard() implements Answer {}
    }

    Answer transmit(WorldMessage.Reader reader, byte[] command);

    /** Whether a card sits in the chip reader now (a terminal powered up finds it there). */
    boolean cardInContactReader();
}
