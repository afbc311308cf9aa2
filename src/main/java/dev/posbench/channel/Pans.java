package dev.posbench.channel;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Card-number arithmetic and masking: a full PAN must never be printed, logged or reported. */
public final class Pans {

    /**
     * What may be a PAN in free text: a run of 13 to 21 digits (a deck may hold test cards of 20 and
     * 21 digits, to check that a terminal refuses them); a shorter run of 8 or more digits where a PAN
     * stands, before a track 2 separator and its expiry ({@code PAN=YYMM}, {@code PANDYYMM}) or as field
     * 2 of the bank dialect ({@code "2":"PAN"}). Amounts (field 4 has 12 digits) and STANs stay readable.
     */
    private static final Pattern DIGIT_RUN = Pattern.compile(
            "(?<!\\d)\\d{13,21}(?!\\d)|(?<![\\dA-Fa-f])\\d{8,12}(?=[=D]\\d{4})|(?<=\"2\"\\s{0,4}:\\s{0,4}\")\\d{8,12}(?=\")");

    private Pans() {}

    /** Whether the digits pass the Luhn (mod 10) check. */
    public static boolean luhnValid(String digits) {
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            return false;
        }
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    /** First 6 and last 4 digits, the rest as {@code *}; anything shorter than 11 characters is masked whole. */
    public static String mask(String pan) {
        if (pan.length() < 11) {
            return "*".repeat(pan.length());
        }
        return pan.substring(0, 6) + "*".repeat(pan.length() - 10) + pan.substring(pan.length() - 4);
    }

    /** Digits and the characters that stand for a hidden digit, optionally grouped by single spaces or dashes. */
    private static final Pattern CARD_NUMBER_LIKE = Pattern.compile("[0-9*xX#](?:[ -]?[0-9*xX#])*");

    /**
     * Where {@code text} shows more of {@code pan} than its first 6 and last 4 digits, the most the
     * catalog allows anywhere: the whole number or a wrongly masked one, in any grouping
     * ({@code 6225 8800 1234 5675}, {@code 622588001234****}), or the PAN inside a track
     * ({@code 6225880012345675=3012...}). Returns the offending text, masked for a message; empty
     * when the text shows no more than allowed.
     */
    public static Optional<String> revealed(String text, String pan) {
        int n = pan.length();
        Matcher m = CARD_NUMBER_LIKE.matcher(text);
        while (m.find()) {
            String token = m.group().replace(" ", "").replace("-", "");
            for (int start = 0; start + n <= token.length(); start++) {
                if (revealsMiddle(token.substring(start, start + n), pan)) {
                    return Optional.of(maskAllDigitsButEnds(m.group()));
                }
            }
        }
        return Optional.empty();
    }

    /** Every shown digit agrees with the PAN, and at least one of them is beyond the first 6 and last 4. */
    private static boolean revealsMiddle(String window, String pan) {
        int n = pan.length();
        int shown = 0;
        boolean middle = false;
        for (int k = 0; k < n; k++) {
            char c = window.charAt(k);
            if (Character.isDigit(c)) {
                if (c != pan.charAt(k)) {
                    return false;
                }
                shown++;
                middle |= k >= 6 && k < n - 4;
            }
        }
        // a few stray digits among stars are no card number; the middle ones of a PAN are what must not show
        return middle && shown >= 8;
    }

    /** For a message about a leak: the offending text with its digits beyond the first 6 and last 4 hidden. */
    private static String maskAllDigitsButEnds(String text) {
        int digits = (int) text.chars().filter(Character::isDigit).count();
        StringBuilder out = new StringBuilder(text.length());
        int seen = 0;
        for (char c : text.toCharArray()) {
            if (Character.isDigit(c)) {
                out.append(seen < 6 || seen >= digits - 4 ? c : '*');
                seen++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Masks every PAN-like run of digits in free text (a transcript, a JSON body, a log line), so a
     * PAN is hidden even where no one knew it was a PAN. Amounts and STANs are shorter and stay.
     */
    public static String maskAll(String text) {
        Matcher m = DIGIT_RUN.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(out, mask(m.group()));
        }
        m.appendTail(out);
        return maskGrouped(out.toString());
    }

    /** Digit groups joined by single spaces or dashes, as a card number is often printed. */
    private static final Pattern GROUPED = Pattern.compile("(?<![\\d-])\\d{1,10}(?:[ -]\\d{1,10}){1,6}(?![\\d])");

    /**
     * A PAN printed in groups ({@code 6225 8800 1234 5675}) is a PAN too: groups that together hold
     * 13 to 21 digits keep their first 6 and last 4 digits and their separators, the rest hidden.
     */
    private static String maskGrouped(String text) {
        Matcher m = GROUPED.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            long digits = m.group().chars().filter(Character::isDigit).count();
            m.appendReplacement(out, Matcher.quoteReplacement(
                    digits >= 13 && digits <= 21 ? maskAllDigitsButEnds(m.group()) : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }
}
