package dev.posbench.emulator;

import static dev.posbench.emulator.TestCards.CHIP_APP;
import static dev.posbench.emulator.TestCards.CHIP_TRACK;
import static dev.posbench.emulator.TestCards.CONTACTLESS_APP;
import static dev.posbench.emulator.TestCards.PIN;
import static dev.posbench.emulator.TestCards.STRIPE_PAN;
import static dev.posbench.emulator.TestCards.STRIPE_TRACK;
import static dev.posbench.emulator.TestCards.WRONG_PIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.Key;
import dev.posbench.channel.MessageMac;
import dev.posbench.channel.PinBlock;
import dev.posbench.channel.Track2;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Purchases on a correct terminal: reading the card, verifying the cardholder, acting on the answer. */
class ReferenceTerminalPurchaseTest {

    private final FakeBank bank = new FakeBank();
    private TestRig rig;

    private TestRig start(TestRig.Builder settings) {
        rig = new TestRig(settings.build(), bank.url());
        rig.powerOn();
        return rig;
    }

    private TestRig start() {
        return start(new TestRig.Builder());
    }

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.assertNoSecretsOnSerial();
            rig.close();
        }
        bank.close();
    }

    /** The purchase ended at idle and the bank saw exactly these MTIs, in order, during it. */
    private void assertIdleWithRequests(String... mtis) {
        rig.serial.awaitDisplay("WELCOME");
        assertEquals(List.of(mtis), bank.journal().stream().map(IsoMessage::mti).toList(), () -> "bank journal " + bank.journal());
    }

    @Test
    void bootsToIdleAndAnswersOnTheConsole() {
        start();
        rig.serial.send("STATUS");
        rig.serial.awaitLine("STATE IDLE");
        rig.serial.send("SALE twelve");
        rig.serial.awaitLine("ERR BAD AMOUNT");
        rig.serial.send("SALE 1250");
        assertEquals("DISP 请刷卡/插卡/挥卡 金额 ¥12.50 / PRESENT CARD AMOUNT 12.50", rig.serial.next());
        rig.serial.send("SALE 100");
        rig.serial.awaitLine("ERR BUSY");
        rig.serial.send("STATUS");
        rig.serial.awaitLine("STATE PRESENT_CARD");
        rig.press(Key.CANCEL);
        assertEquals("DISP 交易取消 / CANCELLED", rig.serial.next());
        assertIdleWithRequests();
    }

    @Test
    void swipeWithOnlinePinIsApprovedAndThePinTravelsOnlyEncrypted() {
        start();
        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.serial.awaitDisplay("ENTER PIN");
        rig.press(Key.digit('9'));
        rig.serial.awaitDisplay("PIN: *");
        rig.press(Key.CLEAR);
        rig.serial.awaitDisplay("ENTER PIN");
        rig.enter(PIN);
        rig.serial.awaitDisplay("PIN: ****");
        IsoMessage request = bank.awaitRequest("0100");
        rig.serial.awaitDisplay("APPROVED");
        assertIdleWithRequests("0100");

        assertEquals(PIN, PinBlock.decrypt(request.field(52).orElseThrow(), STRIPE_PAN, FakeBank.PIN_KEY));
        assertFalse(request.toJson().contains(PIN), "the clear PIN in the request: " + request);
        assertTrue(MessageMac.verify(request, FakeBank.MAC_KEY), "the request is signed");
        assertEquals(Optional.of(STRIPE_PAN), request.field(2));
        assertEquals(Optional.of("000000001250"), request.field(4));
        assertEquals(Optional.of("021"), request.field(22));
        assertEquals(Optional.of(STRIPE_TRACK), request.field(35));
        assertEquals(Optional.of("156"), request.field(49));
        assertTrue(request.field(11).orElseThrow().matches("\\d{6}"));
        assertTrue(request.field(55).isEmpty(), "no chip data on a swipe");
        assertTrue(rig.serial.transcript().contains("LOG CARD 476173******" + STRIPE_PAN.substring(12)));
    }

    @ParameterizedTest(name = "answer {0} shows {1}")
    @CsvSource({
        "55, INCORRECT PIN", "75, PIN TRIES EXCEEDED", "05, CARDHOLDER AUTH FAILED", "03, TERMINAL NOT REGISTERED",
        "97, TERMINAL NOT REGISTERED", "54, CARD EXPIRED", "41, LOST CARD PICK UP", "43, STOLEN CARD PICK UP",
        "62, RESTRICTED CARD", "57, NOT PERMITTED FOR CARD", "58, NOT PERMITTED AT TERMINAL",
        "61, AMOUNT LIMIT EXCEEDED", "65, FREQUENCY LIMIT EXCEEDED", "59, CARD CHECK FAILED", "14, INVALID CARD",
        "15, INVALID CARD", "78, CARD NOT ACTIVE", "21, CARD NOT ACTIVE", "46, ACCOUNT CLOSED",
        "51, INSUFFICIENT FUNDS", "91, ISSUER UNAVAILABLE TRY LATER", "92, ISSUER UNAVAILABLE TRY LATER",
        "98, ISSUER UNAVAILABLE TRY LATER", "96, SYSTEM BUSY TRY LATER", "90, SYSTEM BUSY TRY LATER",
        "Q7, TRANSACTION FAILED", "12, TRANSACTION FAILED"
    })
    void aDeclineShowsItsTextAndOwesNoReversal(String code, String text) {
        start();
        bank.answerAuthorizations(code);
        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.pin(WRONG_PIN);
        rig.serial.awaitDisplay(text);
        assertIdleWithRequests("0100");
        assertFalse(rig.serial.transcript().contains("/ APPROVED"));
    }

    @Test
    void aDamagedStripeOrABadSpeedIsAReadErrorAndAGoodSwipeThenProceeds() {
        start();
        rig.sale(1250);
        byte[] damaged = Track2.encode(STRIPE_TRACK);
        damaged[5] ^= 0x10; // one parity bit flipped
        rig.swipe(damaged, TestRig.NOMINAL_SPEED);
        rig.serial.awaitDisplay("READ ERROR SWIPE AGAIN");
        rig.swipe(Track2.encode(STRIPE_TRACK), 400.0);
        rig.serial.awaitDisplay("READ ERROR SWIPE AGAIN");
        rig.swipe(new byte[0], TestRig.NOMINAL_SPEED);
        rig.serial.awaitDisplay("READ ERROR SWIPE AGAIN");
        assertTrue(bank.journal().isEmpty());
        rig.swipe(STRIPE_TRACK);
        rig.pin(PIN);
        rig.serial.awaitDisplay("APPROVED");
        assertIdleWithRequests("0100");
    }

    @Test
    void aSwipedChipCardIsSentToTheChipReaderWithoutAnAuthorization() {
        start();
        rig.sale(1250);
        rig.swipe(CHIP_TRACK);
        rig.serial.awaitDisplay("INSERT CHIP CARD");
        rig.press(Key.CANCEL);
        rig.serial.awaitDisplay("CANCELLED");
        assertIdleWithRequests();

        rig.sale(1250);
        rig.swipe(CHIP_TRACK);
        rig.serial.awaitDisplay("INSERT CHIP CARD");
        rig.insert(FakeChip.onlinePin(CHIP_APP));
        rig.pin(PIN);
        IsoMessage request = bank.awaitRequest("0100");
        rig.serial.awaitDisplay("APPROVED");
        rig.serial.awaitDisplay("REMOVE CARD");
        rig.remove();
        assertIdleWithRequests("0100");
        assertEquals(Optional.of("051"), request.field(22));
        assertEquals(Optional.of(TestCards.CHIP_PAN + "D" + TestCards.FAR_EXPIRY + "201"), request.field(35));
        assertTrue(request.field(55).orElseThrow().matches("[0-9A-F]+"), "chip data in field 55");
        assertEquals(PIN, PinBlock.decrypt(request.field(52).orElseThrow(), TestCards.CHIP_PAN, FakeBank.PIN_KEY));
    }

    @Test
    void aWrongOfflinePinShowsTheTriesLeftAndAsksAgain() {
        start();
        FakeChip chip = FakeChip.offlinePin(CHIP_APP, PIN, 3);
        rig.sale(1250);
        rig.insert(chip);
        rig.pin(WRONG_PIN);
        assertEquals("DISP 密码错,剩余2次 / INCORRECT PIN 2 TRIES LEFT",
                rig.serial.await(l -> l.contains("INCORRECT PIN"), "INCORRECT PIN"));
        rig.pin(PIN);
        IsoMessage request = bank.awaitRequest("0100");
        rig.serial.awaitDisplay("APPROVED");
        rig.serial.awaitDisplay("REMOVE CARD");
        rig.remove();
        assertIdleWithRequests("0100");
        assertTrue(request.field(52).isEmpty(), "an offline PIN sends no PIN block");
        assertEquals(2, chip.verifications());
    }

    @Test
    void aBlockedOfflinePinEndsTheTransaction() {
        start();
        rig.sale(1250);
        rig.insert(FakeChip.offlinePin(CHIP_APP, PIN, 0));
        rig.serial.awaitDisplay("PIN BLOCKED");
        rig.serial.awaitDisplay("REMOVE CARD");
        rig.remove();
        assertIdleWithRequests();

        FakeChip lastTry = FakeChip.offlinePin(CHIP_APP, PIN, 1);
        rig.sale(1250);
        rig.insert(lastTry);
        rig.pin(WRONG_PIN);
        rig.serial.awaitDisplay("PIN BLOCKED");
        rig.serial.awaitDisplay("REMOVE CARD");
        rig.remove();
        assertIdleWithRequests();
    }

    @Test
    void afterThreeDeadChipReadsAFallbackSwipeIsMarkedAsFallback() {
        start();
        rig.sale(1250);
        deadChipThreeTimes();
        rig.swipe(CHIP_TRACK);
        rig.pin(PIN);
        IsoMessage request = bank.awaitRequest("0100");
        rig.serial.awaitDisplay("APPROVED");
        assertIdleWithRequests("0100");
        assertEquals(Optional.of("801"), request.field(22));
    }

    @Test
    void withoutFallbackTheSwipeAfterDeadChipReadsIsRefused() {
        TestRig.Builder settings = new TestRig.Builder();
        settings.fallbackAllowed = false;
        start(settings);
        rig.sale(1250);
        deadChipThreeTimes();
        rig.swipe(CHIP_TRACK);
        rig.serial.awaitDisplay("FALLBACK NOT ALLOWED");
        assertIdleWithRequests();
    }

    private void deadChipThreeTimes() {
        for (int i = 1; i <= 3; i++) {
            rig.insert(FakeChip.dead());
            rig.serial.awaitDisplay("CHIP ERROR TRY AGAIN");
            rig.remove();
        }
        rig.serial.awaitDisplay("SWIPE CARD");
    }

    @Test
    void aChipCardPulledOutBeforeGoingOnlineEndsWithoutAnAuthorization() {
        start();
        rig.sale(1250);
        rig.insert(FakeChip.onlinePin(CHIP_APP));
        rig.serial.awaitDisplay("ENTER PIN");
        rig.press(Key.digit('1'));
        rig.remove();
        rig.serial.awaitDisplay("CARD REMOVED");
        assertIdleWithRequests();
    }

    @Test
    void noPinBeforeTheTimeoutOrACancelEndWithoutAnAuthorization() {
        TestRig.Builder settings = new TestRig.Builder();
        settings.pinEntry = Duration.ofMillis(300);
        start(settings);
        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.serial.awaitDisplay("ENTER PIN");
        rig.serial.awaitDisplay("TIMEOUT");
        assertIdleWithRequests();

        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.serial.awaitDisplay("ENTER PIN");
        rig.press(Key.digit('1'));
        rig.press(Key.CANCEL);
        rig.serial.awaitDisplay("CANCELLED");
        assertIdleWithRequests();
    }

    @Test
    void noCardBeforeThePresentCardTimeoutIsATimeout() {
        TestRig.Builder settings = new TestRig.Builder();
        settings.presentCard = Duration.ofMillis(300);
        start(settings);
        rig.sale(1250);
        rig.serial.awaitDisplay("TIMEOUT");
        assertIdleWithRequests();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"expired, CARD EXPIRED", "bad-luhn, INVALID CARD", "short-pan, INVALID CARD", "unsupported-bin, CARD NOT SUPPORTED",
        "unsupported-aid, CARD NOT SUPPORTED"})
    void localChecksRefuseACardWithoutAnAuthorization(String card, String text) {
        TestRig.Builder settings = new TestRig.Builder();
        settings.acceptedBins = List.of("4761", "6228", "5200");
        settings.acceptedAids = List.of("A000000333");
        start(settings);
        rig.sale(1250);
        switch (card) {
            case "expired" -> rig.swipe(STRIPE_PAN + "=" + TestCards.PAST_EXPIRY + "1010000");
            case "bad-luhn" -> rig.swipe(TestCards.BAD_LUHN_PAN + "=" + TestCards.FAR_EXPIRY + "1010000");
            case "short-pan" -> rig.swipe(TestCards.withLuhn("47617390010") + "=" + TestCards.FAR_EXPIRY + "1010000");
            case "unsupported-bin" -> rig.swipe(TestCards.withLuhn("411111111111111") + "=" + TestCards.FAR_EXPIRY + "1010000");
            case "unsupported-aid" -> rig.tap(CONTACTLESS_APP);
            default -> throw new IllegalArgumentException(card);
        }
        rig.serial.awaitDisplay(text);
        assertIdleWithRequests();
    }

    @Test
    void aTapAtOrBelowTheCvmLimitNeedsNoPin() {
        start();
        rig.sale(30_000);
        rig.tap(CONTACTLESS_APP);
        IsoMessage request = bank.awaitRequest("0100");
        rig.serial.awaitDisplay("APPROVED");
        assertIdleWithRequests("0100");
        assertEquals(Optional.of("071"), request.field(22));
        assertTrue(request.field(52).isEmpty());
        assertTrue(request.field(55).isPresent());
    }

    @ParameterizedTest(name = "step-up answer {0}")
    @CsvSource({"65", "1A"})
    void aTapOverTheLimitThatTheIssuerStepsUpGoesAgainWithChipAndPin(String code) {
        start();
        bank.behave(request -> FakeBank.send(FakeBank.answer(request,
                request.field(22).equals(Optional.of("071")) ? code : "00")));
        rig.sale(50_000);
        rig.tap(CONTACTLESS_APP);
        rig.pin(PIN); // over the CVM limit: online PIN on the tap
        IsoMessage tap = bank.awaitRequest("0100");
        rig.serial.awaitDisplay("INSERT CARD AND ENTER PIN");
        CardApplication sameCardChip = new CardApplication(TestCards.AID, CONTACTLESS_APP.pan(), CONTACTLESS_APP.expiry(), "201");
        rig.insert(FakeChip.onlinePin(sameCardChip));
        rig.pin(PIN);
        IsoMessage chip = bank.awaitRequest("0100");
        rig.serial.awaitDisplay("APPROVED");
        rig.serial.awaitDisplay("REMOVE CARD");
        rig.remove();
        assertIdleWithRequests("0100", "0100");
        assertEquals(Optional.of("051"), chip.field(22));
        assertTrue(chip.field(52).isPresent());
        assertNotEquals(tap.field(11), chip.field(11));
    }

    @Test
    void anSmsCodeStepUpSendsTheCodeInASecondAuthorization() {
        start();
        bank.behave(request -> FakeBank.send(FakeBank.answer(request,
                request.field(48).equals(Optional.of("246810")) ? "00" : request.field(48).isPresent() ? "05" : "1A",
                Map.of(48, request.field(48).isPresent() ? "" : "SMS"))));
        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.pin(PIN);
        IsoMessage first = bank.awaitRequest("0100");
        rig.serial.awaitDisplay("ENTER SMS CODE");
        rig.enter("246810");
        IsoMessage second = bank.awaitRequest("0100");
        rig.serial.awaitDisplay("APPROVED");
        assertIdleWithRequests("0100", "0100");
        assertEquals(Optional.of("246810"), second.field(48));
        assertNotEquals(first.field(11), second.field(11));
        assertEquals(first.field(52), second.field(52));

        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.pin(PIN);
        rig.serial.awaitDisplay("ENTER SMS CODE");
        rig.enter("111111");
        rig.serial.awaitDisplay("SMS CODE INCORRECT");
        rig.serial.awaitDisplay("WELCOME");
    }

    @Test
    void noSmsCodeBeforeTheTimeoutEndsWithoutReversal() {
        TestRig.Builder settings = new TestRig.Builder();
        settings.otpEntry = Duration.ofMillis(300);
        start(settings);
        bank.answerAuthorizations("1A");
        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.pin(PIN);
        rig.serial.awaitDisplay("ENTER SMS CODE");
        rig.serial.awaitDisplay("TIMEOUT");
        assertIdleWithRequests("0100");
    }

    @Test
    void aFaceVerificationRequestSendsTheCardholderToTheBank() {
        start();
        bank.behave(request -> FakeBank.send(FakeBank.answer(request, "1A", Map.of(48, "FACE"))));
        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.pin(PIN);
        rig.serial.awaitDisplay("VERIFY IDENTITY AT BANK");
        assertIdleWithRequests("0100");
    }

    @Test
    void aMacErrorAnswerMakesTheTerminalSignOnAndRetryOnce() {
        start();
        bank.behave(request -> FakeBank.send(FakeBank.answer(request,
                request.mti().equals("0100") && request.field(11).equals(Optional.of("000001")) ? "A0" : "00")));
        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.pin(PIN);
        IsoMessage first = bank.awaitRequest("0100");
        rig.serial.awaitDisplay("SIGN ON REQUIRED");
        IsoMessage signOn = bank.awaitRequest("0800");
        IsoMessage retry = bank.awaitRequest("0100");
        rig.serial.awaitDisplay("APPROVED");
        assertIdleWithRequests("0100", "0800", "0100");
        assertEquals(Optional.of("POS00001"), signOn.field(41));
        assertTrue(MessageMac.verify(signOn, FakeBank.MAC_KEY));
        assertEquals(first.field(52), retry.field(52));
        assertNotEquals(first.field(11), retry.field(11));
    }

    @Test
    void aTerminalThatCannotSignOnStopsAtSignOnRequired() {
        TestRig.Builder settings = new TestRig.Builder();
        settings.canSignOn = false;
        start(settings);
        bank.answerAuthorizations("99");
        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.pin(PIN);
        rig.serial.awaitDisplay("SIGN ON REQUIRED");
        assertIdleWithRequests("0100");
    }
}
