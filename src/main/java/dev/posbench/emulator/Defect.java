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
    /** The first sale ever (as its flash remembers) freezes the firmware: it reads on but answers nothing, until power is cycled. */
    HANG_ONCE,
    /** The reversal owed is kept in RAM only, not in flash: a power cut while the bank thinks loses it. */
    VOLATILE_REVERSAL,
    /** A swipe that gives no data at all (a demagnetised stripe) ends the purchase as INVALID CARD. */
    BLANK_STRIPE_AS_INVALID,
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
    REFUSED_AS_TIMEOUT,
    /** Only service code 2xx means a chip: a swiped 6xx card (national, with a chip) goes online from its stripe. */
    IGNORE_SERVICE_CODE_6,
    /** The PAN's length is not checked, only its Luhn digit: a 12- or 20-digit card number goes online. */
    SKIP_PAN_LENGTH_CHECK,
    /** Only 16-digit card numbers pass the length check: valid 13- and 19-digit PANs are refused as INVALID_CARD. */
    PAN_16_DIGITS_ONLY,
    /** A card is taken as expired from the first day of its expiry month, instead of after its last day. */
    EXPIRED_IN_EXPIRY_MONTH,
    /** A card is taken as expired one month late: one that expired last month still goes online. */
    EXPIRY_ONE_MONTH_LATE,
    /** The accepted BIN list is not consulted (the AID list still is): a card of any BIN goes online. */
    SKIP_BIN_CHECK,
    /** A wrong offline PIN (63Cx) shows INCORRECT_PIN without the number of tries left. */
    NO_TRIES_LEFT,
    /** The chip's 63C0 (the last try used up) is taken as one more wrong PIN: INCORRECT_PIN, PIN asked again. */
    LAST_PIN_TRY_AS_WRONG,
    /** A tap above the contactless CVM limit goes online without cardholder verification. */
    IGNORE_CVM_LIMIT,
    /** Accepts an answer whose terminal id (41) is not its own, if the rest echoes the request. */
    IGNORE_TERMINAL_ID_ECHO,
    /** Accepts an answer of any message type (MTI), if its fields echo the request. */
    IGNORE_MTI_ECHO,
    /** Signs on after A0 only: a 99 (PIN format error) is shown as SIGN_ON_REQUIRED without a sign-on. */
    SIGN_ON_ONLY_ON_A0,
    /** After a failed sign-on the purchase is sent again all the same. */
    RETRY_AFTER_FAILED_SIGN_ON
}
