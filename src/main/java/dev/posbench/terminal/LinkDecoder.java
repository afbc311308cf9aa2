package dev.posbench.terminal;

import dev.posbench.channel.FrameFormat;
import java.util.List;
import java.util.Optional;

/**
 * How the bytes on one serial link become the terminal's messages, and how the bench's commands
 * become bytes: the seam between the wire and the steps. Steps wait for canonical outcomes in
 * decoded messages and never see which decoder made them. A terminal profile chooses one:
 * {@link LineDecoder} for a text console, {@link FrameDecoder} for a framed ECR protocol.
 *
 * <p>Called by one link, from its event thread for {@link #received} and under the transcript's
 * lock: implementations keep state without locks of their own.
 */
public interface LinkDecoder {

    /** Bytes the terminal sent, as they arrived at {@code nanoTime}; what they completed, in order. */
    List<Decoded> received(byte[] bytes, long nanoTime);

    /** The bytes that carry one command to the terminal. */
    byte[] encode(String command);

    /** A message begun but not complete, as text for people; empty when none is in flight. */
    Optional<String> pending();

    /** The bytes the bench sent, as text for people (a command, an ACK). */
    String showSent(byte[] bytes);

    /** Whether the terminal acknowledges every command, how long to wait and how often to repeat it. */
    Optional<FrameFormat.Handshake> handshake();

    /** What received bytes completed. */
    sealed interface Decoded {
        /**
         * One message from the terminal.
         *
         * @param text the message as text (a line, or a frame's data in the profile's charset)
         * @param raw  the bytes it crossed the wire as, for people, with its data as text (PANs are
         *             masked where it is shown); empty for a plain line, whose text is its bytes
         */
        record Message(String text, String raw) implements Decoded {}

        /** A frame the bench refused; {@link #reply} says what to answer. */
        record Refused(String raw, String why) implements Decoded {}

        /** Bytes the bench must send back at once (ACK or NAK), and what they are. */
        record Reply(byte[] bytes, String what) implements Decoded {}

        /** The terminal answered the bench's last command: ACK (true) or NAK (false). */
        record Answered(boolean ack) implements Decoded {}

        /** A repeat of a frame already taken (its ACK was lost): acknowledged again, not taken twice. */
        record Repeat(String raw) implements Decoded {}
    }
}
