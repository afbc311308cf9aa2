package dev.posbench.report;

import dev.posbench.channel.Pans;
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

    private static void attach(String name, String mediaType, String content, String extension) {
        String maskedName = Pans.maskAll(name);
        // without a running scenario Allure would still write the file, an orphan no report shows
        io.qameta.allure.AllureLifecycle lifecycle = AllureReport.lifecycle();
        if (lifecycle.getCurrentTestCaseOrStep().isEmpty()) {
            log.debug("no scenario is running on this thread; evidence '{}' not attached", maskedName);
            return;
        }
        lifecycle.addAttachment(maskedName, mediaType, extension,
                Pans.maskAll(content).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Sets a label of the running scenario, replacing the ones of that name the Allure plugin gave it. */
    public static void label(String name, String value) {
        AllureReport.lifecycle().updateTestCase(result -> {
            result.getLabels().removeIf(l -> name.equals(l.getName()));
            result.getLabels().add(new io.qameta.allure.model.Label().setName(name).setValue(Pans.maskAll(value)));
        });
    }
}
