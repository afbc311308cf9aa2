package dev.posbench.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.channel.Apdus;
import dev.posbench.channel.Tlv;
import dev.posbench.sim.CardChip;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The terminal's APDU reader wired straight to the simulated card, no socket in between. */
class ApduChipTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final String VISA_PIN = "147258";
    private static final String UNIONPAY_PIN = "369147";

    /** chip-visa of bench-config/cards.yaml: online PIN. */
    private static CardChip visa() {
        return new CardChip("A0000000031010", "4761739001010119", "3012", "201", VISA_PIN, true, false, 3);
    }

    /** chip-unionpay-offline-pin of bench-config/cards.yaml: the chip checks the PIN. */
    private static CardChip unionPay() {
        return new CardChip("A000000333010101", "6212345678901232", "3012", "220", UNIONPAY_PIN, true, true, 3);
    }

    /** A port that keeps every command it carried, to see what the reader asked. */
    private record Recording(ApduPort port, List<String> commands) implements ApduPort {

        Recording(ApduPort port) {
            this(port, new ArrayList<>());
        }

        @Override
        public Optional<byte[]> exchange(byte[] command) {
            commands.add(HEX.formatHex(command));
            return port.exchange(command);
        }
    }

    /** The card's answers with one answer replaced: how a card that misbehaves is made. */
    private static ApduPort answering(CardChip card, byte[] command, UnaryOperator<Optional<byte[]>> instead) {
        return c -> Arrays.equals(c, command) ? instead.apply(card.transmit(c)) : card.transmit(c);
    }

    @Test
    void aContactReaderReadsTheCardsApplication() {
        ApduChip chip = ApduChip.contact(visa()::transmit);
        assertEquals(new CardApplication("A0000000031010", "4761739001010119", "3012", "201"),
                chip.powerUpAndSelect().orElseThrow());
    }

    @Test
    void aContactlessReaderReadsTheSameApplicationThroughThePpse() {
        Recording port = new Recording(unionPay()::transmit);
        CardApplication app = ApduChip.contactless(port).powerUpAndSelect().orElseThrow();
        assertEquals(new CardApplication("A000000333010101", "6212345678901232", "3012", "220"), app);
        assertEquals(HEX.formatHex(Apdus.selectDirectory(false)), port.commands().getFirst());
    }

    @Test
    void theReaderSelectsTheDirectoryThenTheAidThenGetsTheOptionsAndReadsTheAflsRecords() {
        Recording port = new Recording(visa()::transmit);
        ApduChip.contact(port).powerUpAndSelect().orElseThrow();
        assertEquals(List.of("00A404000E315041592E5359532E444446303100", "00A4040007A000000003101000",
                "80A8000002830000", "00B2010C00"), port.commands());
    }

    @Test
    void aPanWithAnOddNumberOfDigitsLosesItsPadding() {
        CardChip amex = new CardChip("A000000025010801", "378282246310005", "2712", "201", "1234", true, false, 3);
        assertEquals("378282246310005", ApduChip.contact(amex::transmit).powerUpAndSelect().orElseThrow().pan());
    }

    @Test
    void aDeadChipGivesNoApplication() {
        CardChip dead = new CardChip("A000000333010101", "6228480011112221", "3012", "201", "963741", false, false, 3);
        ApduChip chip = ApduChip.contact(dead::transmit);
        assertTrue(chip.powerUpAndSelect().isEmpty());
        assertFalse(chip.offlinePin());
        assertEquals(ApduChip.UNKNOWN_TRIES, chip.pinTryCounter());
    }

    @Test
    void noCardOnTheReaderGivesNoApplication() {
        assertTrue(ApduChip.contactless(command -> Optional.empty()).powerUpAndSelect().isEmpty());
    }

    @Test
    void anyStepUnansweredOrRefusedGivesNoApplication() {
        for (byte[] step : List.of(Apdus.selectDirectory(true), Apdus.selectByName(HEX.parseHex("A0000000031010")),
                Apdus.getProcessingOptions(), Apdus.readRecord(1, 1))) {
            assertTrue(ApduChip.contact(answering(visa(), step, answer -> Optional.empty())).powerUpAndSelect().isEmpty(),
                    "no answer to " + HEX.formatHex(step));
            assertTrue(ApduChip.contact(answering(visa(), step, answer -> Optional.of(HEX.parseHex("6A82"))))
                    .powerUpAndSelect().isEmpty(), "6A82 to " + HEX.formatHex(step));
        }
    }

    @Test
    void anAnswerThatIsNotTlvOrLacksWhatTheTerminalNeedsGivesNoApplication() {
        byte[] readRecord = Apdus.readRecord(1, 1);
        for (String record : List.of("5A0812", "70055A03123456", "7006" + "5F2403301231", "")) {
            assertTrue(ApduChip.contact(answering(visa(), readRecord, answer -> Optional.of(HEX.parseHex(record + "9000"))))
                    .powerUpAndSelect().isEmpty(), record);
        }
        assertTrue(ApduChip.contact(answering(visa(), readRecord, answer -> Optional.of(new byte[] {(byte) 0x90})))
                .powerUpAndSelect().isEmpty(), "a response shorter than a status word");
    }

    @Test
    void everyRecordTheAflNamesIsRead() {
        CardChip card = visa();
        byte[] twoFiles = HEX.parseHex("771282021800940C" + "08010100" + "10010200" + "18010100" + "9000");
        Recording port = new Recording(answering(card, Apdus.getProcessingOptions(), answer -> Optional.of(twoFiles)));
        assertTrue(ApduChip.contact(port).powerUpAndSelect().isEmpty(), "the card has no SFI 2");
        assertEquals(List.of("00B2010C00", "00B2011400"), port.commands().subList(3, port.commands().size()),
                "SFI 1 record 1, then SFI 2 record 1, where the card says 6A83 and reading stops");
    }

    @Test
    void anAflThatIsNotWholeEntriesGivesNoApplication() {
        byte[] broken = HEX.parseHex("770982021800940308010" + "1" + "9000");
        assertTrue(ApduChip.contact(answering(visa(), Apdus.getProcessingOptions(), answer -> Optional.of(broken)))
                .powerUpAndSelect().isEmpty());
    }

    @Test
    void offlinePinFollowsTheCardsCvmList() {
        ApduChip unionPay = ApduChip.contact(unionPay()::transmit);
        ApduChip visa = ApduChip.contact(visa()::transmit);
        assertFalse(unionPay.offlinePin(), "nothing read yet");
        unionPay.powerUpAndSelect().orElseThrow();
        visa.powerUpAndSelect().orElseThrow();
        assertTrue(unionPay.offlinePin());
        assertFalse(visa.offlinePin());
    }

    @Test
    void theCvmListOfTheLastCardReadCounts() {
        CardChip card = unionPay();
        AtomicBoolean taken = new AtomicBoolean();
        ApduChip chip = ApduChip.contact(command -> taken.get() ? Optional.empty() : card.transmit(command));
        chip.powerUpAndSelect().orElseThrow();
        assertTrue(chip.offlinePin());
        taken.set(true);
        assertTrue(chip.powerUpAndSelect().isEmpty());
        assertFalse(chip.offlinePin(), "a failed read leaves no CVM list of the card before behind");
    }

    @Test
    void thePinTryCounterIsTheCards() {
        CardChip card = unionPay();
        ApduChip chip = ApduChip.contact(card::transmit);
        chip.powerUpAndSelect().orElseThrow();
        assertEquals(3, chip.pinTryCounter());
        chip.verify("0000");
        assertEquals(2, chip.pinTryCounter());
    }

    @Test
    void aTryCounterTheCardDoesNotTellIsUnknownNotBlocked() {
        byte[] getData = Apdus.getData(Apdus.TAG_PIN_TRY_COUNTER);
        assertEquals(ApduChip.UNKNOWN_TRIES,
                ApduChip.contact(answering(unionPay(), getData, a -> Optional.of(HEX.parseHex("6A88")))).pinTryCounter());
        assertEquals(ApduChip.UNKNOWN_TRIES,
                ApduChip.contact(answering(unionPay(), getData, a -> Optional.of(HEX.parseHex("9F1702")))).pinTryCounter());
        assertNotEquals(0, ApduChip.UNKNOWN_TRIES, "the purchase shows PIN BLOCKED for 0 only");
    }

    @Test
    void verifyGivesTheCardsStatusWordsAsThePurchaseReadsThem() {
        ApduChip chip = ApduChip.contact(unionPay()::transmit);
        chip.powerUpAndSelect().orElseThrow();
        assertEquals(0x63C2, chip.verify("0000"));
        assertEquals(2, Apdus.triesLeft(0x63C2));
        assertEquals(Apdus.SW_OK, chip.verify(UNIONPAY_PIN));
        assertEquals(0x63C2, chip.verify("0000"));
        assertEquals(0x63C1, chip.verify("0000"));
        assertEquals(0x63C0, chip.verify("0000"));
        assertEquals(Apdus.SW_PIN_BLOCKED, chip.verify(UNIONPAY_PIN));
        assertEquals(0, chip.pinTryCounter());
    }

    @Test
    void verifyOnACardWithoutOfflinePinGivesItsRefusal() {
        ApduChip chip = ApduChip.contact(visa()::transmit);
        chip.powerUpAndSelect().orElseThrow();
        assertEquals(Apdus.SW_DATA_NOT_FOUND, chip.verify(VISA_PIN));
    }

    @Test
    void verifyWithoutAnAnswerIsNoStatusWordThePurchaseAccepts() {
        int sw = ApduChip.contact(command -> Optional.empty()).verify(VISA_PIN);
        assertEquals(ApduChip.NO_ANSWER, sw);
        assertNotEquals(Apdus.SW_OK, sw);
        assertNotEquals(Apdus.SW_PIN_BLOCKED, sw);
        assertEquals(-1, Apdus.triesLeft(sw), "not a 63Cx either: the purchase shows TRANSACTION FAILED");
        assertEquals(ApduChip.NO_ANSWER, ApduChip.contact(command -> Optional.of(new byte[] {0x63})).verify(VISA_PIN));
    }

    @Test
    void generateArqcGivesTheCardsCryptogramTemplate() {
        ApduChip chip = ApduChip.contact(visa()::transmit);
        chip.powerUpAndSelect().orElseThrow();
        byte[] cdol = HEX.parseHex("000000006600" + "0156");
        byte[] first = chip.generateArqc(cdol).orElseThrow();
        assertEquals(0x77, Tlv.parse(first).getFirst().tag());
        assertArrayEquals(new byte[] {(byte) Apdus.ARQC}, Tlv.find(first, Apdus.TAG_CRYPTOGRAM_INFORMATION).orElseThrow());
        assertEquals("0001", HEX.formatHex(Tlv.find(first, Apdus.TAG_ATC).orElseThrow()));
        assertEquals(8, Tlv.find(first, Apdus.TAG_APPLICATION_CRYPTOGRAM).orElseThrow().length);
        assertEquals("0002", HEX.formatHex(Tlv.find(chip.generateArqc(cdol).orElseThrow(), Apdus.TAG_ATC).orElseThrow()));
        assertTrue(ApduChip.contact(command -> Optional.empty()).generateArqc(cdol).isEmpty());
    }

    @Test
    void theCardIsReadAgainAfterItWasReset() {
        CardChip card = unionPay();
        ApduChip chip = ApduChip.contact(card::transmit);
        CardApplication first = chip.powerUpAndSelect().orElseThrow();
        chip.verify("0000");
        card.reset();
        assertEquals(first, chip.powerUpAndSelect().orElseThrow());
        assertEquals(2, chip.pinTryCounter(), "the counter is the card's");
    }
}
