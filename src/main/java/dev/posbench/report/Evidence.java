package dev.posbench.report;

import dev.posbench.bank.FakeBank.Exchange;
import dev.posbench.channel.IsoFields;
import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.Pans;
import java.util.List;
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

    /**
     * One step per bank exchange, named by its request and answer, with every field of both as
     * the step's parameters (named, masked): the report shows them as a table and can filter on them.
     */
    public static void bankMessages(List<Exchange> exchanges) {
        if (Allure.getLifecycle().getCurrentTestCaseOrStep().isEmpty()) {
            return;
        }
        for (Exchange e : exchanges) {
            String request = e.request().map(IsoFields::headline).orElse("a request not in the dialect");
            String answer = e.fault().map(f -> "fault " + f)
                    .orElseGet(() -> e.response().map(IsoFields::headline).orElse("HTTP " + e.status()));
            Allure.step(Pans.maskAll("bank: " + request + " -> " + answer), step -> {
                e.request().ifPresent(m -> parameters(step, "request", m));
                e.response().ifPresent(m -> parameters(step, "answer", m));
                if (!e.delay().isZero()) {
                    step.parameter("answer held back", e.delay().toMillis() + " ms");
                }
            });
        }
    }

    private static void parameters(Allure.StepContext step, String side, IsoMessage m) {
        for (IsoFields.Decoded f : IsoFields.decode(m)) {
            step.parameter(side + " " + f.number() + " " + f.name(), f.shown());
        }
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
