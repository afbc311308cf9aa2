package dev.posbench.rig;

/**
 * A sensor did not confirm a motion in time: the card is not seated, the slot is empty, the
 * carriage did not come home. The message names the sensor, its pin and its rig.yaml field; the
 * rig is at its safe state when this is thrown.
 */
public final class SensorException extends RuntimeException {

    SensorException(String message) {
        super(message);
    }
}
