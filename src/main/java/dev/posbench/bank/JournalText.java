package dev.posbench.bank;

import dev.posbench.bank.FakeBank.Exchange;
import dev.posbench.channel.IsoFields;
import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.Pans;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The journal as a person reads it in a report: one block per exchange, PANs masked, no PIN block. */
final class JournalText {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final int PAN = 2;
    private static final int PIN_BLOCK = 52;
    private static final int RAW_LIMIT = 200;

    private JournalText() {}

    static String render(List<Exchange> exchanges) {
        if (exchanges.isEmpty()) {
            return "bank journal: no requests";
        }
        StringBuilder out = new StringBuilder("bank journal: " + exchanges.size() + " request(s)");
        int n = 1;
        for (Exchange e : exchanges) {
            out.append("\n#").append(n++).append(' ').append(TIME.format(e.at()))
                    .append("\n  request  ").append(message(e.request(), e.rawRequest()))
                    .append(decoded(e.request()))
                    .append(e.frame().map(f -> "\n  frame    " + f).orElse(""))
                    .append("\n  answer   ").append(answer(e))
                    .append(decoded(e.response()));
        }
        return out.toString();
    }

    /** The message field by field, each with its name, masked; nothing for what is not of the dialect. */
    private static String decoded(Optional<IsoMessage> message) {
        StringBuilder out = new StringBuilder();
        message.ifPresent(m -> {
            out.append("\n           ").append(IsoFields.typeName(m.mti()));
            for (IsoFields.Decoded f : IsoFields.decode(m)) {
                out.append(String.format(java.util.Locale.ROOT, "%n             %3d  %-34s %s", f.number(), f.name(), f.shown()));
            }
        });
        return Redact.text(out.toString());
    }

    /** One line per request, for failure messages. */
    static String requestLine(Exchange e) {
        return TIME.format(e.at()) + " " + message(e.request(), e.rawRequest());
    }

    static String line(Exchange e) {
        return requestLine(e) + " -> " + answer(e);
    }

    private static String answer(Exchange e) {
        String delay = e.delay().isZero() ? "" : " (held back " + e.delay().toMillis() + " ms)";
        if (e.fault().isPresent()) {
            return "fault " + e.fault().get() + delay;
        }
        return "HTTP " + e.status() + " " + message(e.response(), e.rawResponse()) + delay;
    }

    private static String message(Optional<IsoMessage> parsed, String raw) {
        if (parsed.isPresent()) {
            IsoMessage m = parsed.get();
            return Redact.text(m.mti() + " " + m.fields().entrySet().stream()
                    .map(f -> f.getKey() + "=" + switch (f.getKey()) {
                        case PAN -> Pans.mask(f.getValue());
                        case PIN_BLOCK -> Redact.PIN_BLOCK;
                        default -> f.getValue();
                    })
                    .collect(Collectors.joining(" ")));
        }
        if (raw == null || raw.isEmpty()) {
            return "(empty)";
        }
        // redact before cutting: a PAN cut in two would slip under the masking's 13-digit threshold
        String flat = Redact.text(raw.replaceAll("\\s+", " ").strip());
        return "(not the dialect) " + (flat.length() > RAW_LIMIT ? flat.substring(0, RAW_LIMIT) + "..." : flat);
    }
}
