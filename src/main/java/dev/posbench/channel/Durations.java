package dev.posbench.channel;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as configuration writes them ({@code 1500ms}, {@code 3s}, {@code 2min}): the bench
 * reads a profile's timers this way, and so does the reference terminal reading the same profile.
 */
public final class Durations {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|min)");

    private Durations() {}

    /** Empty when the text is not such a duration. */
    public static Optional<Duration> parse(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        });
    }
}
