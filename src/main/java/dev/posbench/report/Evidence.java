package dev.posbench.report;

import dev.posbench.bank.FakeBank.Exchange;
import dev.posbench.channel.IsoFields;
import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.Pans;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Stage;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
        AllureLifecycle lifecycle = AllureReport.lifecycle();
        if (lifecycle.getCurrentTestCaseOrStep().isEmpty()) {
            return;
        }
        for (Exchange e : exchanges) {
            String request = e.request().map(IsoFields::headline).orElse("a request not in the dialect");
            String answer = e.fault().map(f -> "fault " + f)
                    .orElseGet(() -> e.response().map(IsoFields::headline).orElse("HTTP " + e.status()));
            List<Parameter> parameters = new ArrayList<>();
            e.request().ifPresent(m -> parameters(parameters, "request", m));
            e.response().ifPresent(m -> parameters(parameters, "answer", m));
            if (!e.delay().isZero()) {
                parameters.add(new Parameter().setName("answer held back").setValue(e.delay().toMillis() + " ms"));
            }
            String uuid = UUID.randomUUID().toString();
            lifecycle.startStep(uuid, new StepResult().setName(Pans.maskAll("bank: " + request + " -> " + answer))
                    .setParameters(parameters).setStatus(Status.PASSED).setStage(Stage.FINISHED));
            lifecycle.stopStep(uuid);
        }
    }

    private static void parameters(List<Parameter> parameters, String side, IsoMessage m) {
        for (IsoFields.Decoded f : IsoFields.decode(m)) {
            parameters.add(new Parameter().setName(side + " " + f.number() + " " + f.name()).setValue(f.shown()));
        }
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
