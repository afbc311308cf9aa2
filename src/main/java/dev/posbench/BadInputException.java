package dev.posbench;

/**
 * Bad input from the user: a configuration file, a step argument, a CLI option, a missing or busy
 * device. The message is meant to be printed alone, as the one line a user reads at night: it
 * names the file, field or device and says what was expected. Runs end with exit code 2.
 */
public final class BadInputException extends RuntimeException {

    private final String where;

    /**
     * @param where  the file and field, the device, or the feature line the fault is in
     * @param what   what is wrong and what would be right
     */
    public BadInputException(String where, String what) {
        super(where + ": " + what);
        this.where = where;
    }

    public BadInputException(String where, String what, Throwable cause) {
        super(where + ": " + what, cause);
        this.where = where;
    }

    public String where() {
        return where;
    }
}
