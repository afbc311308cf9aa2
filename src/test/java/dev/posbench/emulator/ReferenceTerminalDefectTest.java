package dev.posbench.emulator;

import static dev.posbench.emulator.TestCards.CHIP_APP;
import static dev.posbench.emulator.TestCards.CHIP_TRACK;
import static dev.posbench.emulator.TestCards.PIN;
import static dev.posbench.emulator.TestCards.STRIPE_PAN;
import static dev.posbench.emulator.TestCards.STRIPE_TRACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.Key;
import dev.posbench.channel.Track2;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Seeded defects really change what the terminal does: each test runs a path whose correct
 * outcome the other test classes assert, on a terminal carrying one defect, and sees it go wrong.
 */
class ReferenceTerminalDefectTest {

    private final FakeBank bank = new FakeBank();
    private TestRig rig;
    private boolean secretsExpected;

    private void start(Defect defect) {
        start(new TestRig.Builder().defects(defect));
    }

    private void start(TestRig.Builder settings) {
        rig = new TestRig(settings.build(), bank.url());
        rig.powerOn();
    }

    @AfterEach
    void stop() {
        if (rig != null) {
            if (!secretsExpected) {
                rig.assertNoSecretsOnSerial();
            }
            rig.close();
        }
        bank.close();
    }

    private void swipeAndPin(String track) {
        rig.sale(1250);
        rig.swipe(track);
        rig.pin(PIN);
    }

    @Test
    void approveOnDeclineShowsADeclineAsApproved() {
        start(Defect.APPROVE_ON_DECLINE);
        bank.answerAuthorizations("51");
        swipeAndPin(STRIPE_TRACK);
        rig.serial.awaitDisplay("APPROVED");
        assertTrue(!rig.serial.transcript().contains("INSUFFICIENT FUNDS"));
    }

    @Test
    void noReversalLeavesATimedOutAuthorizationUnreversed() {
        TestRig.Builder settings = new TestRig.Builder().defects(Defect.NO_REVERSAL);
        settings.host = Duration.ofMillis(1500);
        start(settings);
        bank.behave(request -> new FakeBank.Reply.Hang());
        swipeAndPin(STRIPE_TRACK);
        bank.awaitRequest("0100");
        rig.serial.awaitDisplay("COMMUNICATION TIMEOUT");
        rig.serial.awaitDisplay("WELCOME"); // a correct terminal has sent its reversal by now
        assertEquals(List.of("0100"), bank.journal().stream().map(IsoMessage::mti).toList());
    }

    @Test
    void acceptSwipedChipAuthorizesAChipCardFromItsStripe() {
        start(Defect.ACCEPT_SWIPED_CHIP);
        swipeAndPin(CHIP_TRACK);
        IsoMessage request = bank.awaitRequest("0100");
        assertEquals(Optional.of("021"), request.field(22));
        rig.serial.awaitDisplay("APPROVED");
        assertTrue(!rig.serial.transcript().contains("INSERT CHIP CARD"));
    }

    @Test
    void ignorePinTriesShowsPinTriesExceededAsAnIncorrectPin() {
        start(Defect.IGNORE_PIN_TRIES);
        bank.answerAuthorizations("75");
        swipeAndPin(STRIPE_TRACK);
        rig.serial.awaitDisplay("INCORRECT PIN");
        rig.serial.awaitDisplay("WELCOME");
        assertTrue(!rig.serial.transcript().contains("PIN TRIES EXCEEDED"));
    }

    @Test
    void clearPinInRequestSendsThePinItself() {
        start(Defect.CLEAR_PIN_IN_REQUEST);
        swipeAndPin(STRIPE_TRACK);
        assertEquals(Optional.of(PIN), bank.awaitRequest("0100").field(52));
    }

    @Test
    void fullPanOnDisplayPrintsTheWholeCardNumber() {
        secretsExpected = true;
        start(Defect.FULL_PAN_ON_DISPLAY);
        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.serial.awaitLine("LOG CARD " + STRIPE_PAN + " ENTRY 021");
    }

    @Test
    void stuckAfterResultNeverReturnsToIdle() {
        start(Defect.STUCK_AFTER_RESULT);
        rig.sale(1250);
        rig.press(Key.CANCEL);
        rig.serial.awaitDisplay("CANCELLED");
        rig.serial.send("SALE 1250");
        rig.serial.awaitLine("ERR BUSY");
        rig.serial.send("STATUS");
        rig.serial.awaitLine("STATE STUCK");
    }

    @Test
    void duplicateAuthorizationSendsTwoRequestsWithOneStan() {
        start(Defect.DUPLICATE_AUTHORIZATION);
        swipeAndPin(STRIPE_TRACK);
        IsoMessage first = bank.awaitRequest("0100");
        IsoMessage second = bank.awaitRequest("0100");
        assertEquals(first.field(11), second.field(11));
    }

    @Test
    void ignoreMacApprovesOnAnAnswerWithABadMac() {
        start(Defect.IGNORE_MAC);
        bank.behave(request -> FakeBank.send(FakeBank.answer(request, "00").with(64, "0000000000000000")));
        swipeAndPin(STRIPE_TRACK);
        rig.serial.awaitDisplay("APPROVED");
    }

    @Test
    void giveUpEarlyTimesOutOnAnAnswerInsideTheTimeout() {
        TestRig.Builder settings = new TestRig.Builder().defects(Defect.GIVE_UP_EARLY);
        settings.host = Duration.ofMillis(2000);
        start(settings);
        bank.behave(request -> request.mti().equals("0100")
                ? ReferenceTerminalHostTest.thinking(Duration.ofMillis(1300), FakeBank.send(FakeBank.answer(request, "00")))
                : FakeBank.send(FakeBank.answer(request, "00")));
        swipeAndPin(STRIPE_TRACK);
        rig.serial.awaitDisplay("COMMUNICATION TIMEOUT");
    }

    @Test
    void noFallbackMarkSendsAFallbackSwipeAsAPlainSwipe() {
        start(Defect.NO_FALLBACK_MARK);
        rig.sale(1250);
        for (int i = 0; i < 3; i++) {
            rig.insert(FakeChip.dead());
            rig.remove();
        }
        rig.serial.awaitDisplay("SWIPE CARD");
        rig.swipe(CHIP_TRACK);
        rig.pin(PIN);
        assertEquals(Optional.of("021"), bank.awaitRequest("0100").field(22));
    }

    @Test
    void genericDeclineHidesTheDeclineReason() {
        start(Defect.GENERIC_DECLINE);
        bank.answerAuthorizations("05");
        swipeAndPin(STRIPE_TRACK);
        rig.serial.awaitDisplay("TRANSACTION FAILED");
    }

    @Test
    void skipLuhnCheckSendsAnInvalidCardNumberOnline() {
        start(Defect.SKIP_LUHN_CHECK);
        swipeAndPin(TestCards.BAD_LUHN_PAN + "=" + TestCards.FAR_EXPIRY + "1010000");
        assertEquals(Optional.of(TestCards.BAD_LUHN_PAN), bank.awaitRequest("0100").field(2));
    }

    @Test
    void ignoreSpeedDecodesASwipeOutsideTheReadersRange() {
        start(Defect.IGNORE_SPEED);
        rig.sale(1250);
        rig.swipe(Track2.encode(STRIPE_TRACK), 400.0);
        rig.pin(PIN);
        bank.awaitRequest("0100");
        rig.serial.awaitDisplay("APPROVED");
    }

    @Test
    void ignoreCardRemovalApprovesAfterTheChipCardLeft() {
        start(Defect.IGNORE_CARD_REMOVAL);
        rig.sale(1250);
        rig.insert(FakeChip.onlinePin(CHIP_APP));
        rig.serial.awaitDisplay("ENTER PIN");
        rig.remove();
        rig.enter(PIN);
        bank.awaitRequest("0100");
        rig.serial.awaitDisplay("APPROVED");
    }

    @Test
    void acceptDamagedStripeGoesOnlineWithAStripeThatFailsItsParityCheck() {
        start(Defect.ACCEPT_DAMAGED_STRIPE);
        rig.sale(1250);
        byte[] damaged = Track2.encode(STRIPE_TRACK);
        damaged[5] ^= 0x10; // a parity bit flipped; the data bits are intact
        rig.swipe(damaged, TestRig.NOMINAL_SPEED);
        rig.pin(PIN);
        assertEquals(Optional.of(STRIPE_PAN), bank.awaitRequest("0100").field(2));
        assertTrue(!rig.serial.transcript().contains("READ ERROR"));
    }

    @Test
    void pinOnDisplayEchoesTheDigits() {
        secretsExpected = true;
        start(Defect.PIN_ON_DISPLAY);
        swipeAndPin(STRIPE_TRACK);
        rig.serial.awaitDisplay("PIN: " + PIN);
    }

    @Test
    void ignoreCancelKeepsThePinPromptOpen() {
        TestRig.Builder settings = new TestRig.Builder().defects(Defect.IGNORE_CANCEL);
        settings.pinEntry = Duration.ofMillis(400);
        start(settings);
        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.serial.awaitDisplay("ENTER PIN");
        rig.press(Key.CANCEL);
        rig.serial.awaitDisplay("TIMEOUT"); // the cancel did nothing; the prompt timed out instead
        assertTrue(!rig.serial.transcript().contains("CANCELLED"));
    }

    @Test
    void dropUnansweredReversalOwesNothingAfterOneAttempt() {
        TestRig.Builder settings = new TestRig.Builder().defects(Defect.DROP_UNANSWERED_REVERSAL);
        settings.host = Duration.ofMillis(1500);
        start(settings);
        bank.behave(request -> new FakeBank.Reply.Hang());
        swipeAndPin(STRIPE_TRACK);
        bank.awaitRequest("0100");
        bank.awaitRequest("0400");
        rig.serial.awaitDisplay("WELCOME");
        bank.behave(request -> FakeBank.send(FakeBank.answer(request, "00")));
        swipeAndPin(STRIPE_TRACK);
        bank.awaitRequest("0100"); // a correct terminal sends the owed 0400 first
    }
}
