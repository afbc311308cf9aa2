package dev.posbench.emulator;

import dev.posbench.channel.IsoMessage;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The terminal's side of its host dialect: how one request is signed and sent and its answer read.
 * The firmware waits for the outcome on its own loop, so a wire only ever posts it.
 */
interface Wire {

    /** What came back: a message with the verdict on its MAC, or bytes that are not a message. */
    sealed interface Answer {
        record Message(IsoMessage message, boolean macValid) implements Answer {}

        record Unreadable(String why) implements Answer {}
    }

    /**
     * Signs {@code unsigned} as the dialect signs, sends it on a connection of its own, and posts
     * {@link Input.HostAnswered} or {@link Input.HostFailed} for exchange {@code id}.
     *
     * @param connectTimeout the most a connection attempt may take
     */
    void send(long id, IsoMessage unsigned, Duration connectTimeout, Consumer<Input> post);

    /** Drops the exchange in flight, if any. */
    void abort();
}
