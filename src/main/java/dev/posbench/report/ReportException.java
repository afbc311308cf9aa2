package dev.posbench.report;

/**
 * The HTML report could not be generated. The run itself is over and its verdicts stand; the
 * message ends with the last lines the Allure command line printed, which say why.
 */
public final class ReportException extends RuntimeException {

    ReportException(String message) {
        super(message);
    }

    ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
