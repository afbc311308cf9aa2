package dev.posbench.emulator;

import dev.posbench.channel.Apdus;
import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.Key;
import dev.posbench.channel.Pans;
import dev.posbench.channel.PhysicalEvent;
import dev.posbench.channel.PinBlock;
import dev.posbench.channel.Track2;
import dev.posbench.channel.WorldMessage;
import dev.posbench.emulator.CardRead.ChipCard;
import dev.posbench.emulator.CardRead.Contactless;
import dev.posbench.emulator.CardRead.Swiped;
import dev.posbench.emulator.Firmware.State;
import dev.posbench.emulator.Host.Reply;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * One purchase, from the sale command to its result on the display. Every way out shows exactly
 * one result and leaves nothing owed but a reversal (which it has tried to send at once).
 * Written as straight-line code over the firmware's event loop.
 */
final class Purchase {

    /** Failed chip reads after which the terminal asks for a swipe (technical fallback). */
    private static final int CHIP_TRIES = 3;
    private static final int PIN_MIN = 4;
    private static final int PIN_MAX = 12;
    private static final int CODE_MIN = 1;
    private static final int CODE_MAX = 12;

    /** Which authorization of this purchase an answer belongs to: each allows different follow-ups. */
    private enum Attempt { FIRST, AFTER_SIGN_ON, WITH_SMS_CODE, CHIP_STEP_UP }

    /** How the cardholder was verified: the PIN block for an online PIN; none for offline PIN or no CVM. */
    private record Verified(Optional<String> pinBlock) {}

    /**
     * One masked digit entry (the PIN, the SMS code): what sets one apart from the other.
     *
     * @param state        the firmware state while the digits are typed
     * @param prompt       shown at the start and again after CLEAR
     * @param minDigits    fewest digits ENTER accepts
     * @param maxDigits    digits beyond these are ignored
     * @param masked       the display for so many digits typed
     * @param deadline     when the entry gives up, counted from now
     * @param restartOnKey every key starts the timeout again (it runs from the last key, not the first)
     * @param cancels      CANCEL ends the entry ({@link Defect#IGNORE_CANCEL} turns it off for the PIN)
     * @param echoesDigits the digits themselves go to the display instead of the masked screen
     *                     ({@link Defect#PIN_ON_DISPLAY})
     */
    private record DigitEntry(State state, Screen prompt, int minDigits, int maxDigits, IntFunction<Screen> masked,
            Supplier<Deadline> deadline, boolean restartOnKey, boolean cancels, boolean echoesDigits) {}

    /** What became of a swipe. */
    private sealed interface SwipeOutcome {
        record Read(Swiped card) implements SwipeOutcome {}

        record TryAgain() implements SwipeOutcome {}

        record Refused() implements SwipeOutcome {}
    }

    private final Firmware fw;
    private final Settings settings;
    private final Host host;
    private final Flash flash;
    private final long amount;

    Purchase(Firmware fw, Settings settings, Host host, Flash flash, long amount) {
        this.fw = fw;
        this.settings = settings;
        this.host = host;
        this.flash = flash;
        this.amount = amount;
    }

    void run() {
        fw.enter(State.PRESENT_CARD);
        fw.show(Screen.presentCard(amount));
        Optional<CardRead> read = awaitCard();
        if (read.isEmpty()) {
            return;
        }
        CardRead card = read.get();
        if (settings.has(Defect.FULL_PAN_ON_DISPLAY)) {
            fw.leak("LOG CARD " + card.pan() + " ENTRY " + card.entryMode());
        } else {
            fw.log("CARD " + Pans.mask(card.pan()) + " ENTRY " + card.entryMode());
        }
        if (refusedLocally(card)) {
            return;
        }
        Optional<Verified> verified = verifyCardholder(card);
        if (verified.isEmpty() || pulledOut(card)) {
            return;
        }
        IsoMessage request = Dialect.authorization(settings, card, amount, flash.nextStan(), verified.get().pinBlock());
        online(card, request, Attempt.FIRST);
    }

    // ---- reading the card ----

    private Optional<CardRead> awaitCard() {
        int chipFailures = 0;
        Deadline deadline = Deadline.after(settings.presentCard());
        while (true) {
            Input in = fw.next(deadline);
            if (in instanceof Input.Expired) {
                fw.show(Screen.TIMEOUT);
                return Optional.empty();
            }
            if (!(in instanceof Input.Physical(PhysicalEvent event))) {
                continue;
            }
            switch (event) {
                case PhysicalEvent.CardSwiped swipe -> {
                    switch (readSwipe(swipe, chipFailures >= CHIP_TRIES)) {
                        case SwipeOutcome.Read(Swiped card) -> {
                            return Optional.of(card);
                        }
                        case SwipeOutcome.Refused r -> {
                            return Optional.empty();
                        }
                        case SwipeOutcome.TryAgain t -> deadline = Deadline.after(settings.presentCard());
                    }
                }
                case PhysicalEvent.CardInserted insert -> {
                    Optional<ChipCard> chip = readChip();
                    if (chip.isPresent()) {
                        return Optional.<CardRead>of(chip.get());
                    }
                    chipFailures++;
                    fw.log("CHIP DID NOT ANSWER " + chipFailures);
                    fw.show(Screen.CHIP_ERROR);
                    if (chipFailures >= CHIP_TRIES) {
                        fw.show(Screen.SWIPE_CARD);
                    }
                    deadline = Deadline.after(settings.presentCard());
                }
                case PhysicalEvent.CardTapped tap -> {
                    Optional<CardApplication> app = fw.chip(WorldMessage.Reader.CONTACTLESS).powerUpAndSelect();
                    if (app.isPresent()) {
                        return Optional.of(new Contactless(app.get()));
                    }
                    // the card left the field, or did not answer, before it was read: tap again
                    fw.log("CONTACTLESS READ FAILED");
                    fw.show(Screen.READ_ERROR);
                    deadline = Deadline.after(settings.presentCard());
                }
                case PhysicalEvent.KeyPressed(Key key) when key == Key.CANCEL -> {
                    fw.show(Screen.CANCELLED);
                    return Optional.empty();
                }
                default -> {
                    // other keys, and a card taken out after a failed chip read, change nothing
                }
            }
        }
    }

    /** Powers the inserted card's chip and selects its payment application; empty when the chip does not answer. */
    private Optional<ChipCard> readChip() {
        Chip chip = fw.chip(WorldMessage.Reader.CONTACT);
        return chip.powerUpAndSelect().map(app -> new ChipCard(chip, app));
    }

    private SwipeOutcome readSwipe(PhysicalEvent.CardSwiped swipe, boolean fallback) {
        double speed = swipe.speedCmPerSecond();
        if (!settings.has(Defect.IGNORE_SPEED)
                && (speed < settings.readerMinCmPerSecond() || speed > settings.readerMaxCmPerSecond())) {
            fw.log("SWIPE AT %.1f CM/S OUTSIDE THE READER'S RANGE".formatted(speed));
            fw.show(Screen.READ_ERROR);
            return new SwipeOutcome.TryAgain();
        }
        if (swipe.stripe().length == 0 && settings.has(Defect.BLANK_STRIPE_AS_INVALID)) {
            fw.show(Screen.INVALID_CARD);
            return new SwipeOutcome.Refused();
        }
        Optional<Swiped> read = stripeData(swipe.stripe()).flatMap(Swiped::parse);
        if (read.isEmpty()) {
            fw.show(Screen.READ_ERROR);
            return new SwipeOutcome.TryAgain();
        }
        Swiped card = read.get();
        boolean missesChip = settings.has(Defect.IGNORE_SERVICE_CODE_6) && card.serviceCode().startsWith("6");
        if (!card.hasChip() || missesChip) {
            return new SwipeOutcome.Read(card);
        }
        if (fallback) {
            if (settings.fallbackAllowed() || settings.has(Defect.FALLBACK_ALWAYS)) {
                String mode = settings.has(Defect.NO_FALLBACK_MARK) ? CardRead.ENTRY_SWIPE : CardRead.ENTRY_FALLBACK;
                return new SwipeOutcome.Read(card.withEntryMode(mode));
            }
            fw.show(Screen.FALLBACK_NOT_ALLOWED);
            return new SwipeOutcome.Refused();
        }
        if (settings.has(Defect.ACCEPT_SWIPED_CHIP)) {
            return new SwipeOutcome.Read(card);
        }
        fw.show(Screen.INSERT_CHIP);
        return new SwipeOutcome.TryAgain();
    }

    /** Track 2 as the reader decodes it, checking parity and LRC; empty for a read error. */
    private Optional<String> stripeData(byte[] stripe) {
        Track2.Reading reading = Track2.decode(stripe);
        if (reading instanceof Track2.Reading.Data(String track2)) {
            return Optional.of(track2);
        }
        fw.log("STRIPE " + ((Track2.Reading.Error) reading).reason().toUpperCase(Locale.ROOT));
        if (!settings.has(Defect.ACCEPT_DAMAGED_STRIPE)) {
            return Optional.empty();
        }
        // the defect: a reader that skips parity and LRC and keeps the data nibbles between the sentinels
        StringBuilder data = new StringBuilder();
        boolean started = false;
        for (byte b : stripe) {
            int code = b & 0x0F;
            if (!started) {
                started = code == 0x0B;
            } else if (code == 0x0F) {
                break;
            } else {
                data.append((char) ('0' + code));
            }
        }
        return data.isEmpty() ? Optional.empty() : Optional.of(data.toString());
    }

    /** The checks a terminal makes before anything goes online; true when it showed a refusal. */
    private boolean refusedLocally(CardRead card) {
        String pan = card.pan();
        boolean panShapeOk = panLengthOk(pan.length()) && pan.chars().allMatch(Character::isDigit);
        if (!panShapeOk || (!settings.has(Defect.SKIP_LUHN_CHECK) && !Pans.luhnValid(pan))) {
            fw.show(Screen.INVALID_CARD);
            return true;
        }
        Optional<YearMonth> expiry = expiry(card.expiry());
        if (expiry.isEmpty()) {
            fw.show(Screen.INVALID_CARD);
            return true;
        }
        if (!settings.has(Defect.SKIP_EXPIRY_CHECK) && expired(expiry.get())) {
            fw.show(Screen.CARD_EXPIRED);
            return true;
        }
        if (!settings.has(Defect.SKIP_SUPPORT_CHECK)) {
            boolean aidOk = card.aid().map(aid -> accepted(aid, settings.acceptedAids())).orElse(true);
            boolean binOk = settings.has(Defect.SKIP_BIN_CHECK) || accepted(pan, settings.acceptedBins());
            if (!aidOk || !binOk) {
                fw.show(Screen.CARD_NOT_SUPPORTED);
                return true;
            }
        }
        return false;
    }

    /** 13 to 19 digits, unless a seeded defect checks the length otherwise. */
    private boolean panLengthOk(int digits) {
        if (settings.has(Defect.SKIP_PAN_LENGTH_CHECK)) {
            return true;
        }
        if (settings.has(Defect.PAN_16_DIGITS_ONLY)) {
            return digits == 16;
        }
        return digits >= 13 && digits <= 19;
    }

    /** A card is valid through the last day of its expiry month: expired once that month is over. */
    private boolean expired(YearMonth expiry) {
        YearMonth now = YearMonth.now(ZoneId.systemDefault());
        if (settings.has(Defect.EXPIRED_IN_EXPIRY_MONTH)) {
            return !expiry.isAfter(now);
        }
        if (settings.has(Defect.EXPIRY_ONE_MONTH_LATE)) {
            return expiry.plusMonths(1).isBefore(now);
        }
        return expiry.isBefore(now);
    }

    private static Optional<YearMonth> expiry(String yymm) {
        if (!yymm.matches("\\d{4}")) {
            return Optional.empty();
        }
        int month = Integer.parseInt(yymm.substring(2));
        return month < 1 || month > 12
                ? Optional.empty()
                : Optional.of(YearMonth.of(2000 + Integer.parseInt(yymm.substring(0, 2)), month));
    }

    private static boolean accepted(String value, List<String> prefixes) {
        String upper = value.toUpperCase(Locale.ROOT);
        return prefixes.isEmpty() || prefixes.stream().anyMatch(p -> upper.startsWith(p.toUpperCase(Locale.ROOT)));
    }

    /** A chip transaction needs the card in the reader until it completes; true when it showed CARD_REMOVED. */
    private boolean pulledOut(CardRead card) {
        if (chipGone(card)) {
            fw.show(Screen.CARD_REMOVED);
            return true;
        }
        return false;
    }

    private boolean chipGone(CardRead card) {
        return card instanceof ChipCard && !fw.cardInReader() && !settings.has(Defect.IGNORE_CARD_REMOVAL);
    }

    // ---- verifying the cardholder ----

    private Optional<Verified> verifyCardholder(CardRead card) {
        return switch (card) {
            case ChipCard chip when chip.chip().offlinePin() -> offlinePin(chip);
            case Contactless tap when amount <= settings.contactlessCvmLimit() || settings.has(Defect.IGNORE_CVM_LIMIT) ->
                    Optional.of(new Verified(Optional.empty()));
            default -> onlinePin(card);
        };
    }

    private Optional<Verified> onlinePin(CardRead card) {
        return readPin(card).map(pin -> new Verified(Optional.of(settings.has(Defect.CLEAR_PIN_IN_REQUEST)
                ? pin
                : PinBlock.encrypt(pin, card.pan(), settings.pinKeyHex()))));
    }

    private Optional<Verified> offlinePin(ChipCard card) {
        Chip chip = card.chip();
        boolean ignoreBlocked = settings.has(Defect.IGNORE_PIN_BLOCKED);
        if (chip.pinTryCounter() == 0) {
            fw.log("PIN TRY COUNTER 0");
            if (ignoreBlocked) {
                return Optional.of(new Verified(Optional.empty()));
            }
            fw.show(Screen.PIN_BLOCKED);
            return Optional.empty();
        }
        while (true) {
            Optional<String> pin = readPin(card);
            if (pin.isEmpty()) {
                return Optional.empty();
            }
            int sw = chip.verify(pin.get());
            fw.log("VERIFY %04X".formatted(sw));
            int triesLeft = Apdus.triesLeft(sw);
            // the defect: 63C0 read as "wrong PIN, try again" instead of "that was the last try"
            boolean asksAgain = triesLeft > 0 || (triesLeft == 0 && settings.has(Defect.LAST_PIN_TRY_AS_WRONG));
            if (sw == Apdus.SW_OK) {
                return Optional.of(new Verified(Optional.empty()));
            } else if (asksAgain) {
                fw.show(settings.has(Defect.NO_TRIES_LEFT) ? Screen.INCORRECT_PIN : Screen.incorrectPin(triesLeft));
                if (settings.has(Defect.OFFLINE_PIN_NO_RETRY)) {
                    return Optional.empty();
                }
            } else if (triesLeft == 0 || sw == Apdus.SW_PIN_BLOCKED) {
                if (ignoreBlocked) {
                    return Optional.of(new Verified(Optional.empty()));
                }
                fw.show(Screen.PIN_BLOCKED);
                return Optional.empty();
            } else {
                fw.show(Screen.TRANSACTION_FAILED);
                return Optional.empty();
            }
        }
    }

    /**
     * PIN entry: digits shown as stars, CLEAR starts over, ENTER confirms 4 to 12 digits. The
     * timeout runs from the last key. Empty when it ended otherwise (its result is shown).
     */
    private Optional<String> readPin(CardRead card) {
        return readDigits(card, new DigitEntry(State.ENTER_PIN, Screen.ENTER_PIN, PIN_MIN, PIN_MAX, Screen::pinStars,
                this::pinDeadline, true, !settings.has(Defect.IGNORE_CANCEL), settings.has(Defect.PIN_ON_DISPLAY)));
    }

    private Deadline pinDeadline() {
        return settings.has(Defect.NO_PIN_TIMEOUT) ? Deadline.NEVER : Deadline.after(settings.pinEntry());
    }

    /** The SMS code: digits and ENTER within the OTP timeout. Empty when it ended otherwise. */
    private Optional<String> readCode(CardRead card) {
        return readDigits(card, new DigitEntry(State.ENTER_OTP, Screen.ENTER_OTP, CODE_MIN, CODE_MAX, Screen::codeStars,
                () -> Deadline.after(settings.otpEntry()), false, true, false));
    }

    /**
     * Masked digit entry: the prompt, one star per digit up to the maximum, CLEAR starts over, ENTER
     * confirms once there are enough digits, CANCEL ends it; a timeout, or a chip card taken out of
     * the reader, ends it too. Empty when it ended otherwise than by ENTER (its result is shown).
     */
    private Optional<String> readDigits(CardRead card, DigitEntry entry) {
        fw.enter(entry.state());
        fw.show(entry.prompt());
        StringBuilder digits = new StringBuilder();
        Deadline deadline = entry.deadline().get();
        while (true) {
            switch (fw.next(deadline)) {
                case Input.Expired e -> {
                    fw.show(Screen.TIMEOUT);
                    return Optional.empty();
                }
                case Input.Physical(PhysicalEvent.KeyPressed(Key key)) -> {
                    if (entry.restartOnKey()) {
                        deadline = entry.deadline().get();
                    }
                    switch (key) {
                        case ENTER -> {
                            if (digits.length() >= entry.minDigits()) {
                                return Optional.of(digits.toString());
                            }
                        }
                        case CANCEL -> {
                            if (entry.cancels()) {
                                fw.show(Screen.CANCELLED);
                                return Optional.empty();
                            }
                        }
                        case CLEAR -> {
                            digits.setLength(0);
                            fw.show(entry.prompt());
                        }
                        default -> {
                            if (digits.length() < entry.maxDigits()) {
                                digits.append((char) ('0' + key.digit()));
                                if (entry.echoesDigits()) {
                                    fw.leak(Screen.pinEchoed(digits.toString()).line());
                                } else {
                                    fw.show(entry.masked().apply(digits.length()));
                                }
                            }
                        }
                    }
                }
                case Input.Physical(PhysicalEvent.CardRemoved r) when chipGone(card) -> {
                    fw.show(Screen.CARD_REMOVED);
                    return Optional.empty();
                }
                default -> {
                    // nothing else concerns digit entry
                }
            }
        }
    }

    // ---- going online ----

    /** Sends one authorization and acts on its answer. */
    private void online(CardRead card, IsoMessage request, Attempt attempt) {
        authorize(request).ifPresent(answer -> conclude(card, request, answer, attempt));
    }

    /**
     * The online exchange with its safety net: a reversal still owed goes first; a reversal record
     * for this request is saved before it leaves; anything short of a valid answer is shown and
     * reversed at once. Empty when the purchase ended here.
     */
    private Optional<Reply.Valid> authorize(IsoMessage request) {
        fw.enter(State.ONLINE);
        fw.show(Screen.PROCESSING);
        Optional<Host.Failure> owedStuck = host.sendOwedReversal();
        if (owedStuck.isPresent()) {
            // the earlier reversal still cannot get through: a new authorization would not either
            fw.show(owedStuck.get().screen);
            return Optional.empty();
        }
        boolean reverses = !settings.has(Defect.NO_REVERSAL);
        if (reverses) {
            flash.owe(new Flash.Reversal(request, "98")); // a power cut while waiting leaves this owed
        }
        if (settings.has(Defect.DUPLICATE_AUTHORIZATION)) {
            host.exchange(request);
        }
        Reply reply = host.exchange(request);
        if (reply instanceof Reply.Valid valid) {
            flash.settle();
            return Optional.of(valid);
        }
        Host.Failure failure = ((Reply.Failed) reply).failure();
        fw.show(failure.screen);
        if (failure.reversalReason.isEmpty()) {
            flash.settle(); // nothing reached the bank
        } else if (reverses) {
            flash.owe(new Flash.Reversal(request, failure.reversalReason.get()));
            reverseNow();
        }
        return Optional.empty();
    }

    /** Sends the reversal just owed, if the terminal reverses at once; otherwise it goes before the next authorization. */
    private void reverseNow() {
        if (settings.has(Defect.NO_REVERSAL) || !settings.reversalAtOnce()) {
            return;
        }
        fw.enter(State.REVERSAL);
        host.sendOwedReversal();
    }

    /** Acts on a valid answer: the result, or the follow-up the bank asked for. */
    private void conclude(CardRead card, IsoMessage request, Reply.Valid answer, Attempt attempt) {
        String code = answer.responseCode().toUpperCase(Locale.ROOT);
        if (code.equals("00")) {
            approve(card, request);
            return;
        }
        if (settings.has(Defect.APPROVE_ON_DECLINE)) {
            fw.show(Screen.APPROVED);
            return;
        }
        boolean contactless = card instanceof Contactless;
        boolean stepUp = contactless && !settings.has(Defect.NO_STEP_UP);
        if (attempt == Attempt.WITH_SMS_CODE) {
            declined(Screen.OTP_INCORRECT);
        } else if ((code.equals("A0") || (code.equals("99") && !settings.has(Defect.SIGN_ON_ONLY_ON_A0)))
                && attempt == Attempt.FIRST) {
            signOnAndRetry(card, request);
        } else if (code.equals("1A") && answer.answer().field(48).map(this::isFace).orElse(false)) {
            fw.show(Screen.VERIFY_AT_BANK);
        } else if ((code.equals("1A") || code.equals("65")) && stepUp) {
            chipStepUp(request);
        } else if (code.equals("1A") && (attempt == Attempt.FIRST || attempt == Attempt.AFTER_SIGN_ON)
                && !contactless) {
            smsCode(card, request);
        } else {
            declined(Screen.decline(code));
        }
    }

    private boolean isFace(String field48) {
        return field48.strip().equalsIgnoreCase("FACE");
    }

    private void declined(Screen screen) {
        if (settings.has(Defect.GENERIC_DECLINE)) {
            fw.show(Screen.TRANSACTION_FAILED);
        } else if (screen == Screen.PIN_TRIES_EXCEEDED && settings.has(Defect.IGNORE_PIN_TRIES)) {
            fw.show(Screen.INCORRECT_PIN);
        } else {
            fw.show(screen);
        }
    }

    /** 00: approved, unless a chip card left the reader before completion, which undoes it. */
    private void approve(CardRead card, IsoMessage request) {
        if (pulledOut(card)) {
            if (!settings.has(Defect.NO_REVERSAL)) {
                flash.owe(new Flash.Reversal(request, "06"));
                reverseNow();
            }
            return;
        }
        fw.show(Screen.APPROVED);
    }

    /** A0/99: the working keys are out of step; sign on and retry the purchase once. */
    private void signOnAndRetry(CardRead card, IsoMessage request) {
        fw.show(Screen.SIGN_ON_REQUIRED);
        if (!settings.canSignOn() || settings.has(Defect.NO_SIGN_ON)) {
            return;
        }
        fw.enter(State.ONLINE);
        fw.show(Screen.PROCESSING);
        Reply reply = host.exchange(Dialect.signOn(settings, flash.nextStan()));
        if (reply instanceof Reply.Valid valid && valid.responseCode().equals("00")) {
            fw.log("SIGNED ON");
            online(card, Dialect.again(request, flash.nextStan()), Attempt.AFTER_SIGN_ON);
        } else {
            fw.log("SIGN ON FAILED");
            fw.show(Screen.SIGN_ON_REQUIRED);
            if (settings.has(Defect.RETRY_AFTER_FAILED_SIGN_ON)) {
                online(card, Dialect.again(request, flash.nextStan()), Attempt.AFTER_SIGN_ON);
            }
        }
    }

    /** 1A: the issuer sent the cardholder an SMS code; the authorization goes again carrying it. */
    private void smsCode(CardRead card, IsoMessage request) {
        Optional<String> code = readCode(card);
        if (code.isEmpty() || pulledOut(card)) {
            return;
        }
        IsoMessage retry = Dialect.again(request, flash.nextStan());
        retry = settings.has(Defect.OMIT_OTP_CODE) ? retry : retry.with(48, code.get());
        online(card, retry, Attempt.WITH_SMS_CODE);
    }

    /** A tap the issuer wants verified: chip and online PIN, then a new authorization. */
    private void chipStepUp(IsoMessage tapRequest) {
        fw.enter(State.INSERT_CARD);
        fw.show(Screen.INSERT_AND_PIN);
        Optional<ChipCard> inserted = awaitInsert();
        if (inserted.isEmpty()) {
            return;
        }
        ChipCard card = inserted.get();
        fw.log("CARD " + Pans.mask(card.pan()) + " ENTRY " + card.entryMode());
        if (refusedLocally(card)) {
            return;
        }
        Optional<Verified> verified = onlinePin(card);
        if (verified.isEmpty() || pulledOut(card)) {
            return;
        }
        IsoMessage request = Dialect.authorization(settings, card, amount, flash.nextStan(), verified.get().pinBlock());
        fw.log("STEP-UP OF STAN " + tapRequest.field(11).orElse("-"));
        online(card, request, Attempt.CHIP_STEP_UP);
    }

    private Optional<ChipCard> awaitInsert() {
        Deadline deadline = Deadline.after(settings.presentCard());
        while (true) {
            switch (fw.next(deadline)) {
                case Input.Expired e -> {
                    fw.show(Screen.TIMEOUT);
                    return Optional.empty();
                }
                case Input.Physical(PhysicalEvent.CardInserted insert) -> {
                    Optional<ChipCard> chip = readChip();
                    if (chip.isPresent()) {
                        return chip;
                    }
                    fw.show(Screen.CHIP_ERROR);
                    deadline = Deadline.after(settings.presentCard());
                }
                case Input.Physical(PhysicalEvent.KeyPressed(Key key)) when key == Key.CANCEL -> {
                    fw.show(Screen.CANCELLED);
                    return Optional.empty();
                }
                default -> {
                    // waiting for the chip only
                }
            }
        }
    }
}
