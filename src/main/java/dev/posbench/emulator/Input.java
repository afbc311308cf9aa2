package dev.posbench.emulator;

import dev.posbench.channel.PhysicalEvent;

/** What the firmware's event loop reacts to. Every thread but the loop's only posts these. */
sealed interface Input {

    /** The power relay switched: on boots the firmware, off loses everything volatile. */
    record Power(boolean on) implements Input {}

    /** The rig's mechanics did something to the terminal. */
    record Physical(PhysicalEvent event) implements Input {}

    /** A line arrived on the serial console. */
    record Console(ConsoleCommand command) implements Input {}

    /** The bank answered exchange number {@code exchange}. */
    record HostAnswered(long exchange, Wire.Answer answer) implements Input {}

    /** Exchange number {@code exchange} failed at the connection level (refused, reset, timed out). */
    record HostFailed(long exchange, Throwable cause) implements Input {}

    /** The deadline the loop was waiting for passed first; returned by the loop, never queued. */
    record Expired() implements Input {}

    /** The terminal object is being closed. */
    record Stop() implements Input {}
}
