package dev.posbench.emulator;

/**
 * Seeded defects: each makes the reference terminal mishandle one path of the catalog, so a
 * scenario that passes on the correct terminal can be shown to fail on a faulty one.
 */
public enum Defect {
    /** Any answer other than 00 is shown as APPROVED. */
    APPROVE_ON_DECLINE,
    /** Answer 75 (PIN tries exceeded) is shown as INCORRECT_PIN. */
    IGNORE_PIN_TRIES,
    /** A swiped chip card is not sent to the chip reader: no service-code check, it goes online. */
    ACCEPT_SWIPED_CHIP,
    /** Never sends a reversal, and owes none. */
    NO_REVERSAL,
    /** Field 52 carries the clear PIN instead of a PIN block. */
    CLEAR_PIN_IN_REQUEST,
    /** The card log line on the serial console carries the full PAN. */
    FULL_PAN_ON_DISPLAY,
    /** After the first result the terminal never returns to idle (until power is cycled). */
    STUCK_AFTER_RESULT,
    /** The reversal owed is kept in RAM only, not in flash: a power cut while the bank thinks loses it. */
    VOLATILE_REVERSAL,
    /** APPROVED is shown as soon as the authorization has left, before the bank's answer. */
    EARLY_APPROVAL,
    /** The authorization carries the sale's amount plus one minor unit. */
    AMOUNT_OFF_BY_ONE,
    /** A card read from the chip goes out with the stripe's entry mode (021). */
    CHIP_AS_SWIPE,
    /** The reversal carries an amount of zero instead of the authorization's. */
    REVERSAL_WRONG_AMOUNT,
    /** Every 0100 is sent twice with the same STAN. */
    DUPLICATE_AUTHORIZATION,
    /** Gives up on the host after half the configured host timeout. */
    GIVE_UP_EARLY,
    /** Accepts answers whose MAC is missing or wrong. */
    IGNORE_MAC,
    /** Accepts answers that do not echo the request (MTI, STAN, terminal id). */
    IGNORE_ECHO,
    /** A fallback swipe goes out with entry mode 021, as if it were an ordinary swipe. */
    NO_FALLBACK_MARK,
    /** Cards whose expiry date has passed go online. */
    SKIP_EXPIRY_CHECK,
    /** PANs that fail the Luhn check go online. */
    SKIP_LUHN_CHECK,
    /** The reader decodes a swipe at any speed. */
    IGNORE_SPEED,
    /**
     * The reader skips the parity and LRC checks and goes on with whatever data nibbles it found
     * between the sentinels (a stripe with no data at all still reads as an error).
     */
    ACCEPT_DAMAGED_STRIPE,
    /** PIN entry never times out. */
    NO_PIN_TIMEOUT,
    /** Every decline is shown as TRANSACTION_FAILED instead of its own text. */
    GENERIC_DECLINE,
    /** A fallback swipe is accepted although fallback is not allowed. */
    FALLBACK_ALWAYS,
    /** A chip card pulled out is not noticed: the transaction goes on, an approval stands. */
    IGNORE_CARD_REMOVAL,
    /** The accepted AID and BIN lists are not consulted. */
    SKIP_SUPPORT_CHECK,
    /** A blocked offline PIN (try counter 0, or 6983) is not shown: the card goes online unverified. */
    IGNORE_PIN_BLOCKED,
    /** After a wrong offline PIN (63Cx) the transaction ends instead of asking for the PIN again. */
    OFFLINE_PIN_NO_RETRY,
    /** The CANCEL key is ignored at the PIN prompt. */
    IGNORE_CANCEL,
    /** PIN digits are echoed on the serial console instead of stars. */
    PIN_ON_DISPLAY,
    /** The retried 0100 after an SMS code prompt leaves the code (field 48) out. */
    OMIT_OTP_CODE,
    /** A contactless step-up answer (1A, 65) is treated as a plain decline. */
    NO_STEP_UP,
    /** Never signs on after A0/99, even when the terminal can. */
    NO_SIGN_ON,
    /** A reversal left unanswered after its first attempt is dropped instead of kept pending. */
    DROP_UNANSWERED_REVERSAL,
    /** A refused connection is taken for an unanswered request: COMM_TIMEOUT, and a reversal owed for nothing. */
    REFUSED_AS_TIMEOUT
}
