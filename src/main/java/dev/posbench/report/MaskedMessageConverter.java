package dev.posbench.report;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.posbench.channel.Pans;

/** Logback's {@code %maskedMsg}: the log message with every card number masked, so no log can leak one. */
public final class MaskedMessageConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Pans.maskAll(event.getFormattedMessage());
    }
}
