package dev.posbench.channel;

import java.util.Locale;
import java.util.Optional;

/** The keys of a payment terminal's keypad that the rig can press. */
public enum Key {
    DIGIT_0, DIGIT_1, DIGIT_2, DIGIT_3, DIGIT_4, DIGIT_5, DIGIT_6, DIGIT_7, DIGIT_8, DIGIT_9,
    ENTER, CANCEL, CLEAR;

    /** The key's name as written in configuration and step text: {@code 0}..{@code 9}, {@code ENTER}, ... */
    public String label() {
        return ordinal() <= 9 ? String.valueOf(ordinal()) : name();
    }

    public static Optional<Key> ofLabel(String label) {
        String upper = label.strip().toUpperCase(Locale.ROOT);
        for (Key key : values()) {
            if (key.label().equals(upper)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    public static Key digit(char c) {
        if (c < '0' || c > '9') {
            throw new IllegalArgumentException("not a digit: " + c);
        }
        return values()[c - '0'];
    }

    /** The digit of a digit key, or -1. */
    public int digit() {
        return ordinal() <= 9 ? ordinal() : -1;
    }
}
