package dev.posbench.terminal;

/**
 * What the terminal shows, in canonical names: a terminal profile maps each to that terminal's own
 * display text. The names are those of {@code failure-paths.md}; the last group are the prompts and
 * states a purchase passes through.
 */
public enum Outcome {
    APPROVED,
    // reading the card
    READ_ERROR, INSERT_CHIP, FALLBACK_NOT_ALLOWED, CARD_REMOVED, CARD_NOT_SUPPORTED, CARD_EXPIRED, INVALID_CARD,
    // verifying the cardholder
    INCORRECT_PIN, PIN_TRIES_EXCEEDED, PIN_BLOCKED, TIMEOUT, CANCELLED, ENTER_OTP, OTP_INCORRECT, INSERT_AND_PIN,
    VERIFY_AT_BANK,
    // issuer declines
    CARDHOLDER_AUTH_FAILED, TERMINAL_NOT_REGISTERED, PICK_UP_CARD, RESTRICTED_CARD, NOT_PERMITTED,
    NOT_PERMITTED_HERE, LIMIT_EXCEEDED, FREQUENCY_EXCEEDED, SUSPECTED_FRAUD, CARD_NOT_ACTIVE, ACCOUNT_CLOSED,
    TRANSACTION_FAILED, INSUFFICIENT_FUNDS,
    // reaching the host
    COMM_TIMEOUT, HOST_UNREACHABLE, COMM_ERROR, ISSUER_UNAVAILABLE, SYSTEM_BUSY, SIGN_ON_REQUIRED,
    // prompts and states
    IDLE, PRESENT_CARD, ENTER_PIN, REMOVE_CARD
}
