package dev.posbench.bank;

import dev.posbench.channel.Pans;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes bank traffic fit to print: every PAN masked, the PIN block replaced. Applied to anything
 * the bank writes (journal renderings, assertion messages, WireMock's own log lines), because a
 * raw body that is not even valid JSON can still carry a card number.
 */
final class Redact {

    static final String PIN_BLOCK = "[PIN block]";

    private static final Pattern PIN_BLOCK_FIELD = Pattern.compile("(\"52\"\\s*:\\s*\")[^\"]*(\")");

    private Redact() {}

    static String text(String raw) {
        return Pans.maskAll(PIN_BLOCK_FIELD.matcher(raw).replaceAll("$1" + Matcher.quoteReplacement(PIN_BLOCK) + "$2"));
    }
}
