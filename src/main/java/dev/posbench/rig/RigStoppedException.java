package dev.posbench.rig;

/**
 * A motion was refused or cut short: the emergency stop is (or was) pressed and not yet reset, or
 * the motion was interrupted. Every output is low when this is thrown.
 */
public final class RigStoppedException extends RuntimeException {

    RigStoppedException(String message) {
        super(message);
    }
}
