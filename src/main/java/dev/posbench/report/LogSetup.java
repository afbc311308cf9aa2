package dev.posbench.report;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How every posbench JVM logs (the bench, and the reference terminal it starts on every power-on),
 * found by logback through {@code META-INF/services}: set up in code rather than from a
 * {@code logback.xml}, whose XML parsing costs each JVM a fifth of a second of CPU at start, and a
 * test run starts a hundred of them. {@code -Dlogback.configurationFile=FILE} still wins.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

    /** A run prints its own summary; the parts speak up only when something is wrong. */
    private static final Map<String, Level> LEVELS = Map.of(
            "dev.posbench", Level.WARN,
            // board detection on a machine that is not a Raspberry Pi is expected to fail
            "com.pi4j", Level.ERROR,
            "com.pi4j.boardinfo", Level.OFF,
            // never below WARN: at DEBUG Jetty logs request bodies, and they carry PANs
            "org.eclipse.jetty", Level.WARN,
            // a busy bank port is reported once, as bad input
            "org.eclipse.jetty.util.component.AbstractLifeCycle", Level.ERROR,
            // the ISO 8583 codec quotes raw frames (PANs) in its own log lines; posbench reports its faults itself
            "com.solab.iso8583", Level.OFF,
            "dev.posbench.channel.IsoFrames$Factory", Level.OFF,
            "com.jayway.jsonpath", Level.INFO,
            "wiremock", Level.WARN,
            "com.github.tomakehurst.wiremock", Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        // %maskedMsg: every log line passes through the PAN masker, whoever wrote the message
        @SuppressWarnings("unchecked")
        Map<String, Supplier<DynamicConverter<?>>> rules = (Map<String, Supplier<DynamicConverter<?>>>)
                context.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        if (rules == null) {
            rules = new HashMap<>();
            context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
        }
        rules.put("maskedMsg", MaskedMessageConverter::new);

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} - %maskedMsg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
