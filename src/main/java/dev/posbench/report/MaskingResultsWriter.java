package dev.posbench.report;

import dev.posbench.channel.Pans;
import io.qameta.allure.AllureResultsWriter;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.FixtureResult;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.StepResult;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.model.TestResultContainer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Masks card numbers in everything the Allure adapter writes, not only in what {@link Evidence}
 * attaches: scenario and step names, parameters, labels, failure messages and traces (an
 * assertion that quotes the transcript), and text attachments made by other means. Numbers the
 * model keeps as numbers (timestamps) are untouched, which masking the JSON text would not do.
 */
final class MaskingResultsWriter implements AllureResultsWriter {

    /** Attachments read as text (an SVG chart is text too); anything else (a screenshot) passes through as bytes. */
    private static final Set<String> TEXT_EXTENSIONS = Set.of("txt", "json", "log", "xml", "csv", "html", "yaml", "yml", "svg");

    private final AllureResultsWriter delegate;

    MaskingResultsWriter(AllureResultsWriter delegate) {
        this.delegate = delegate;
    }

    @Override
    public void write(TestResult result) {
        result.setName(mask(result.getName()));
        result.setFullName(mask(result.getFullName()));
        result.setTestCaseName(mask(result.getTestCaseName()));
        result.setDescription(mask(result.getDescription()));
        result.setDescriptionHtml(mask(result.getDescriptionHtml()));
        for (Label label : each(result.getLabels())) {
            label.setValue(mask(label.getValue()));
        }
        maskDetails(result.getStatusDetails());
        maskParameters(result.getParameters());
        maskAttachments(result.getAttachments());
        maskSteps(result.getSteps());
        delegate.write(result);
    }

    @Override
    public void write(TestResultContainer container) {
        container.setName(mask(container.getName()));
        container.setDescription(mask(container.getDescription()));
        container.setDescriptionHtml(mask(container.getDescriptionHtml()));
        for (List<FixtureResult> fixtures : List.of(each(container.getBefores()), each(container.getAfters()))) {
            for (FixtureResult fixture : fixtures) {
                fixture.setName(mask(fixture.getName()));
                fixture.setDescription(mask(fixture.getDescription()));
                maskDetails(fixture.getStatusDetails());
                maskParameters(fixture.getParameters());
                maskAttachments(fixture.getAttachments());
                maskSteps(fixture.getSteps());
            }
        }
        delegate.write(container);
    }

    @Override
    public void write(String source, InputStream attachment) {
        int dot = source.lastIndexOf('.');
        String extension = dot < 0 ? "" : source.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (!TEXT_EXTENSIONS.contains(extension)) {
            delegate.write(source, attachment);
            return;
        }
        try (attachment) {
            String text = new String(attachment.readAllBytes(), StandardCharsets.UTF_8);
            delegate.write(source, new ByteArrayInputStream(Pans.maskAll(text).getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read attachment " + source, e);
        }
    }

    private static void maskSteps(List<StepResult> steps) {
        for (StepResult step : each(steps)) {
            step.setName(mask(step.getName()));
            step.setDescription(mask(step.getDescription()));
            maskDetails(step.getStatusDetails());
            maskParameters(step.getParameters());
            maskAttachments(step.getAttachments());
            maskSteps(step.getSteps());
        }
    }

    private static void maskDetails(StatusDetails details) {
        if (details != null) {
            details.setMessage(mask(details.getMessage()));
            details.setTrace(mask(details.getTrace()));
        }
    }

    private static void maskParameters(List<Parameter> parameters) {
        for (Parameter parameter : each(parameters)) {
            parameter.setName(mask(parameter.getName()));
            parameter.setValue(mask(parameter.getValue()));
        }
    }

    private static void maskAttachments(List<Attachment> attachments) {
        for (Attachment attachment : each(attachments)) {
            attachment.setName(mask(attachment.getName()));
        }
    }

    private static <T> List<T> each(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static String mask(String text) {
        return text == null ? null : Pans.maskAll(text);
    }
}
