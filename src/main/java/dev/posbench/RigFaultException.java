package dev.posbench;

/**
 * The rig itself failed (the terminal's serial adapter went away), not the terminal: the
 * scenario it cut short has no verdict. When the rig cannot be brought back, the run stops and
 * posbench exits with 3, keeping what ran.
 */
public final class RigFaultException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RigFaultException(String message) {
        super(message);
    }
}
