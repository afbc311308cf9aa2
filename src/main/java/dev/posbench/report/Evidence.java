package dev.posbench.report;

import dev.posbench.channel.Pans;
import io.qameta.allure.Allure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evidence a scenario leaves in the report: the serial transcript, the bank journal, the
 * actuation log. Every attachment goes through {@link #attach}, which masks card numbers in the
 * name and the content, so no code path can put a full PAN into the report.
 *
 * <p>Call it from a step or hook, on Cucumber's thread: Allure knows the running scenario per
 * thread, and a listener thread (a serial reader, a WireMock callback) has none.
 */
public final class Evidence {

    private static final Logger log = LoggerFactory.getLogger(Evidence.class);

    private Evidence() {}

    /** Attaches plain text (a transcript, a log) to the running scenario or step. */
    public static void attachText(String name, String text) {
        attach(name, "text/plain", text, ".txt");
    }

    /** Attaches JSON (a request journal), which the report shows formatted. */
    public static void attachJson(String name, String json) {
        attach(name, "application/json", json, ".json");
    }

    /** Attaches a picture (a sequence chart), which the report shows inline. */
    public static void attachSvg(String name, String svg) {
        attach(name, "image/svg+xml", svg, ".svg");
    }

    /** Attaches a page of HTML, which the report shows inline. */
    public static void attachHtml(String name, String html) {
        attach(name, "text/html", html, ".html");
    }

    private static void attach(String name, String mediaType, String content, String extension) {
        String maskedName = Pans.maskAll(name);
        // without a running scenario Allure would still write the file, an orphan no report shows
        if (Allure.getLifecycle().getCurrentTestCaseOrStep().isEmpty()) {
            log.debug("no scenario is running on this thread; evidence '{}' not attached", maskedName);
            return;
        }
        Allure.addAttachment(maskedName, mediaType, Pans.maskAll(content), extension);
    }
}
