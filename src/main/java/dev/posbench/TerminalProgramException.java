package dev.posbench;

/**
 * The terminal program on the simulated rig broke the terminal contract, so no verdict about the
 * terminal can be had: it exited at once, never opened its serial end, never connected or said
 * hello, never showed idle, or sent a line the contract does not know. The message names the
 * program as {@code rig.yaml terminal.command} writes it. Runs end with exit code 4.
 */
public final class TerminalProgramException extends RuntimeException {

    public TerminalProgramException(String message) {
        super(message);
    }
}
