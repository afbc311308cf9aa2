package dev.posbench.emulator;

import static dev.posbench.emulator.TestCards.CHIP_APP;
import static dev.posbench.emulator.TestCards.PIN;
import static dev.posbench.emulator.TestCards.STRIPE_PAN;
import static dev.posbench.emulator.TestCards.STRIPE_TRACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.Key;
import dev.posbench.channel.MessageMac;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reaching the host and trusting its answer: timeouts, broken answers, reversals, power cuts. */
class ReferenceTerminalHostTest {

    private FakeBank bank = new FakeBank();
    private TestRig rig;

    private void start(TestRig.Builder settings) {
        rig = new TestRig(settings.build(), bank.url());
        rig.powerOn();
    }

    private static TestRig.Builder shortHostTimeout() {
        TestRig.Builder settings = new TestRig.Builder();
        settings.host = Duration.ofMillis(1500);
        settings.reversalRetries = 1;
        return settings;
    }

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.assertNoSecretsOnSerial();
            rig.close();
        }
        bank.close();
    }

    private IsoMessage swipeAndPin() {
        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.pin(PIN);
        return bank.awaitRequest("0100");
    }

    /** A reversal of that authorization, with this reason, signed. */
    private static void assertReverses(IsoMessage reversal, IsoMessage authorization, String reason) {
        assertEquals(Optional.of(reason), reversal.field(39));
        for (int n : new int[] {2, 3, 4, 11, 14, 22, 41, 42, 49}) {
            assertEquals(authorization.field(n), reversal.field(n), "field " + n + " of the reversal");
        }
        assertTrue(reversal.field(52).isEmpty() && reversal.field(35).isEmpty());
        assertTrue(MessageMac.verify(reversal, FakeBank.MAC_KEY), "the reversal is signed");
    }

    @Test
    void noAnswerInTimeIsACommunicationTimeoutAndAReversalWithReason98() {
        start(shortHostTimeout());
        bank.behave(request -> request.mti().equals("0100") ? new FakeBank.Reply.Hang() : FakeBank.send(FakeBank.answer(request, "00")));
        IsoMessage authorization = swipeAndPin();
        rig.serial.awaitDisplay("COMMUNICATION TIMEOUT");
        assertReverses(bank.awaitRequest("0400"), authorization, "98");
        rig.serial.awaitLine("LOG REVERSAL ACCEPTED");
        rig.serial.awaitDisplay("WELCOME");
        assertTrue(bank.unclaimed().isEmpty(), "one reversal, accepted at the first attempt");
    }

    @Test
    void anAnswerWithABadMacIsACommunicationErrorAndAReversalWithReasonA0() {
        start(new TestRig.Builder());
        bank.behave(request -> FakeBank.send(request.mti().equals("0100")
                ? FakeBank.answer(request, "00").with(64, "0000000000000000")
                : FakeBank.answer(request, "00")));
        IsoMessage authorization = swipeAndPin();
        rig.serial.awaitDisplay("COMMUNICATION ERROR");
        assertReverses(bank.awaitRequest("0400"), authorization, "A0");
        rig.serial.awaitDisplay("WELCOME");
        assertTrue(!rig.serial.transcript().contains("/ APPROVED"));
    }

    @Test
    void anAnswerThatDoesNotEchoOrCannotBeReadIsACommunicationErrorAndAReversalWithReason08() {
        start(new TestRig.Builder());
        bank.behave(request -> request.mti().equals("0100")
                ? FakeBank.send(FakeBank.answer(request, "00", Map.of(11, "999999")))
                : FakeBank.send(FakeBank.answer(request, "00")));
        IsoMessage authorization = swipeAndPin();
        rig.serial.awaitDisplay("COMMUNICATION ERROR");
        assertReverses(bank.awaitRequest("0400"), authorization, "08");
        rig.serial.awaitDisplay("WELCOME");

        bank.behave(request -> request.mti().equals("0100")
                ? new FakeBank.Reply.Send(200, "<html>gateway</html>")
                : FakeBank.send(FakeBank.answer(request, "00")));
        authorization = swipeAndPin();
        rig.serial.awaitDisplay("COMMUNICATION ERROR");
        assertReverses(bank.awaitRequest("0400"), authorization, "08");
        rig.serial.awaitDisplay("WELCOME");
    }

    @Test
    void aConnectionDroppedAfterTheRequestIsACommunicationErrorWithAReversal() {
        start(new TestRig.Builder());
        bank.behave(request -> request.mti().equals("0100")
                ? new FakeBank.Reply.Drop()
                : FakeBank.send(FakeBank.answer(request, "00")));
        IsoMessage authorization = swipeAndPin();
        rig.serial.awaitDisplay("COMMUNICATION ERROR");
        assertReverses(bank.awaitRequest("0400"), authorization, "98");
        rig.serial.awaitDisplay("WELCOME");
    }

    @Test
    void aRefusedConnectionIsHostUnreachableAndOwesNoReversal() {
        int port = bank.port();
        bank.close(); // nothing listens there any more
        start(new TestRig.Builder());
        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.pin(PIN);
        rig.serial.awaitDisplay("HOST UNREACHABLE");
        rig.serial.awaitDisplay("WELCOME");

        bank = new FakeBank(port);
        IsoMessage next = swipeAndPin(); // the first thing to arrive is an authorization, not a reversal
        rig.serial.awaitDisplay("APPROVED");
        rig.serial.awaitDisplay("WELCOME");
        assertEquals(List.of(next), bank.journal());
    }

    @Test
    void aChipCardPulledOutBeforeTheApprovalArrivesIsReversedWithReason06() {
        start(new TestRig.Builder());
        CountDownLatch release = new CountDownLatch(1);
        bank.behave(request -> request.mti().equals("0100")
                ? FakeBank.after(release, FakeBank.send(FakeBank.answer(request, "00")))
                : FakeBank.send(FakeBank.answer(request, "00")));
        rig.sale(1250);
        rig.insert(FakeChip.onlinePin(CHIP_APP));
        rig.pin(PIN);
        IsoMessage authorization = bank.awaitRequest("0100");
        rig.remove(); // queued before the answer can be: the terminal sees it first
        release.countDown();
        rig.serial.awaitDisplay("CARD REMOVED");
        assertReverses(bank.awaitRequest("0400"), authorization, "06");
        rig.serial.awaitDisplay("WELCOME");
        assertTrue(!rig.serial.transcript().contains("/ APPROVED"));
    }

    @Test
    void anUnansweredReversalIsRetriedKeptThroughAPowerCycleAndSentBeforeTheNextAuthorization() {
        start(shortHostTimeout());
        bank.behave(request -> new FakeBank.Reply.Hang());
        IsoMessage first = swipeAndPin();
        rig.serial.awaitDisplay("COMMUNICATION TIMEOUT");
        assertReverses(bank.awaitRequest("0400"), first, "98");
        assertReverses(bank.awaitRequest("0400"), first, "98"); // the one retry
        rig.serial.awaitLine("LOG REVERSAL PENDING");
        rig.serial.awaitDisplay("WELCOME");

        rig.powerOff();
        rig.powerOn();
        bank.behave(request -> FakeBank.send(FakeBank.answer(request, "00")));
        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.pin(PIN);
        assertReverses(bank.awaitRequest("0400"), first, "98");
        IsoMessage second = bank.awaitRequest("0100");
        rig.serial.awaitDisplay("APPROVED");
        rig.serial.awaitDisplay("WELCOME");
        assertEquals(Optional.of(STRIPE_PAN), second.field(2));
        assertTrue(Integer.parseInt(second.field(11).orElseThrow()) > Integer.parseInt(first.field(11).orElseThrow()),
                "the STAN counter survives the power cycle");
    }

    @Test
    void anAnswerJustInsideTheTimeoutIsWaitedFor() {
        TestRig.Builder settings = new TestRig.Builder();
        settings.host = Duration.ofMillis(2000);
        start(settings);
        bank.behave(request -> thinking(Duration.ofMillis(1300), FakeBank.send(FakeBank.answer(request, "00"))));
        swipeAndPin();
        rig.serial.awaitDisplay("APPROVED");
        rig.serial.awaitDisplay("WELCOME");
    }

    /** The bank's own processing time: physical time on the host's side, so a sleep. */
    static FakeBank.Reply thinking(Duration time, FakeBank.Reply reply) {
        try {
            Thread.sleep(time);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return reply;
    }

    @Test
    void powerLostMidTransactionForgetsItSilentlyAndBootsClean() {
        start(new TestRig.Builder());
        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.serial.awaitDisplay("ENTER PIN");
        rig.powerOff();
        rig.enter(PIN); // typed on a dead keypad
        rig.press(Key.CANCEL);
        rig.terminal.power(true);
        assertEquals("LOG BOOT posbench reference terminal 1.0", rig.serial.next(), "nothing printed while unpowered");
        assertEquals("DISP 欢迎使用 / WELCOME", rig.serial.next());
        rig.serial.send("STATUS");
        rig.serial.awaitLine("STATE IDLE");
        assertTrue(bank.journal().isEmpty());
        IsoMessage request = swipeAndPin();
        rig.serial.awaitDisplay("APPROVED");
        assertNotEquals(Optional.empty(), request.field(11));
    }

    @Test
    void closeStopsTheTerminalsThreadsPromptly() {
        start(new TestRig.Builder());
        rig.sale(1250);
        rig.swipe(STRIPE_TRACK);
        rig.serial.awaitDisplay("ENTER PIN");
        long begin = System.nanoTime();
        rig.close();
        assertTrue(Duration.ofNanos(System.nanoTime() - begin).compareTo(Duration.ofSeconds(1)) < 0, "close took too long");
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("terminal-POS00001") && t.isAlive()),
                "no terminal thread left running");
        rig.terminal.accept(new dev.posbench.channel.PhysicalEvent.KeyPressed(Key.ENTER)); // ignored after close
    }
}
