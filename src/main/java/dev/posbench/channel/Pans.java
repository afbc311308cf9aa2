package dev.posbench.channel;

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
        return out.toString();
    }
}
