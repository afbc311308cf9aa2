package dev.posbench.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.channel.Apdus;
import dev.posbench.channel.Tlv;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The simulated card against every row of docs/terminal-contract.md, "What the simulated card answers". */
class CardChipTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final String VISA_AID = "A0000000031010";
    private static final String VISA_PAN = "4761739001010119";
    private static final String VISA_PIN = "147258";
    private static final String UNIONPAY_PIN = "369147";

    /** chip-visa of bench-config/cards.yaml: online PIN. */
    private static CardChip visa() {
        return new CardChip(VISA_AID, VISA_PAN, "3012", "201", VISA_PIN, true, false, 3);
    }

    /** chip-unionpay-offline-pin of bench-config/cards.yaml: the chip checks the PIN. */
    private static CardChip unionPay() {
        return new CardChip("A000000333010101", "6212345678901232", "3012", "220", UNIONPAY_PIN, true, true, 3);
    }

    private static String send(CardChip chip, byte[] command) {
        return HEX.formatHex(chip.transmit(command).orElseThrow());
    }

    private static String send(CardChip chip, String commandHex) {
        return send(chip, HEX.parseHex(commandHex));
    }

    private static String select(CardChip chip, String nameHex) {
        return send(chip, Apdus.selectByName(HEX.parseHex(nameHex)));
    }

    private static String verify(CardChip chip, String pin) {
        return send(chip, Apdus.verifyPlaintextPin(pin));
    }

    private static String tryCounter(CardChip chip) {
        return send(chip, Apdus.getData(Apdus.TAG_PIN_TRY_COUNTER));
    }

    private static byte[] data(String responseHex) {
        return Apdus.data(HEX.parseHex(responseHex));
    }

    @Test
    void theTerminalsCommandsAreTheBytesTheTableWrites() {
        assertEquals("00A404000E315041592E5359532E444446303100", HEX.formatHex(Apdus.selectDirectory(true)));
        assertEquals("00A404000E325041592E5359532E444446303100", HEX.formatHex(Apdus.selectDirectory(false)));
        assertEquals("00A4040007A000000003101000", HEX.formatHex(Apdus.selectByName(HEX.parseHex(VISA_AID))));
        assertEquals("80A8000002830000", HEX.formatHex(Apdus.getProcessingOptions()));
        assertEquals("00B2010C00", HEX.formatHex(Apdus.readRecord(1, 1)));
        assertEquals("80CA9F1700", HEX.formatHex(Apdus.getData(0x9F17)));
        assertEquals("0020008008" + "26147258FFFFFFFF", HEX.formatHex(Apdus.verifyPlaintextPin(VISA_PIN)));
        assertEquals("0020008008" + "241234FFFFFFFFFF", HEX.formatHex(Apdus.verifyPlaintextPin("1234")));
        assertEquals("0020008008" + "2C123456789012FF", HEX.formatHex(Apdus.verifyPlaintextPin("123456789012")));
        assertEquals("80AE80000301020300", HEX.formatHex(Apdus.generateAc(Apdus.ARQC, new byte[] {1, 2, 3})));
    }

    @Test
    void aResponseIsItsDataThenItsStatusWord() {
        byte[] response = HEX.parseHex("9F170102" + "9000");
        assertEquals(Apdus.SW_OK, Apdus.statusWord(response));
        assertEquals("9F170102", HEX.formatHex(Apdus.data(response)));
        assertEquals(0, Apdus.data(HEX.parseHex("6A82")).length);
        assertThrows(IllegalArgumentException.class, () -> Apdus.statusWord(new byte[] {(byte) 0x90}));
    }

    @Test
    void triesLeftAreTheLowNibbleOf63CxOnly() {
        assertEquals(2, Apdus.triesLeft(0x63C2));
        assertEquals(0, Apdus.triesLeft(0x63C0));
        assertEquals(-1, Apdus.triesLeft(Apdus.SW_PIN_BLOCKED));
        assertEquals(-1, Apdus.triesLeft(Apdus.SW_OK));
        assertEquals(-1, Apdus.triesLeft(-1));
    }

    @Test
    void aPinThatCannotBeEnteredIsRefusedWithoutBeingRepeated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Apdus.verifyPlaintextPin("12a45"));
        assertFalse(e.getMessage().contains("12a45"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1PAY.SYS.DDF01", "2PAY.SYS.DDF01"})
    void selectingThePseOrPpseAnswersItsDirectoryWithTheCardsAid(String name) {
        String nameHex = HEX.formatHex(name.getBytes(StandardCharsets.US_ASCII));
        assertEquals("6F23840E" + nameHex + "A511BF0C0E610C4F07A0000000031010870101" + "9000", select(visa(), nameHex));
    }

    @Test
    void selectingTheAidAnswersItsFciWithTheLabel() {
        assertEquals("6F11" + "8407A0000000031010" + "A506500456495341" + "9000", select(visa(), VISA_AID));
    }

    @Test
    void aPrefixOfTheAidSelectsItAndTheFciNamesTheWholeAid() {
        CardChip chip = unionPay();
        String answer = select(chip, "A000000333");
        assertTrue(answer.endsWith("9000"), answer);
        assertEquals("A000000333010101", HEX.formatHex(Tlv.find(data(answer), 0x84).orElseThrow()));
        assertTrue(send(chip, Apdus.getProcessingOptions()).endsWith("9000"), "the application is selected");
    }

    @ParameterizedTest
    @ValueSource(strings = {"A0000000041010", "A000000003101001", "A0000000", "A000000003101002", "315041592E5359532E4444463032"})
    void anotherNameIsNotFound(String nameHex) {
        assertEquals("6A82", select(visa(), nameHex));
    }

    @Test
    void aSelectWithoutANameFindsNothing() {
        assertEquals("6A82", send(visa(), "00A40400"));
        assertEquals("6A82", send(visa(), "00A4040000"));
    }

    @Test
    void getProcessingOptionsAnswersTheAipAndTheAflOnceTheApplicationIsSelected() {
        CardChip chip = visa();
        select(chip, VISA_AID);
        assertEquals("770A82021800940408010100" + "9000", send(chip, "80A8000002830000"));
    }

    @Test
    void getProcessingOptionsBeforeSelectingTheApplicationIsRefused() {
        CardChip chip = visa();
        assertEquals("6985", send(chip, Apdus.getProcessingOptions()));
        select(chip, HEX.formatHex(Apdus.PSE.getBytes(StandardCharsets.US_ASCII)));
        assertEquals("6985", send(chip, Apdus.getProcessingOptions()), "the directory is no application");
    }

    @Test
    void selectingTheDirectoryAgainLeavesTheApplicationButANameNotFoundChangesNothing() {
        CardChip chip = visa();
        select(chip, VISA_AID);
        assertEquals("6A82", select(chip, "A0000000041010"));
        assertTrue(send(chip, Apdus.getProcessingOptions()).endsWith("9000"));
        select(chip, HEX.formatHex(Apdus.PPSE.getBytes(StandardCharsets.US_ASCII)));
        assertEquals("6985", send(chip, Apdus.getProcessingOptions()));
    }

    @Test
    void theRecordCarriesTrack2PanExpiryServiceCodeAndCvmList() {
        String record = "702F"
                + "570C" + VISA_PAN + "D3012201"
                + "5A08" + VISA_PAN
                + "5F2403301231"
                + "5F30020201"
                + "8E0A" + "0000000000000000" + "0200";
        assertEquals(record + "9000", send(visa(), "00B2010C00"));
    }

    @Test
    void anOfflinePinCardsCvmListAsksForPlaintextPinVerifiedByTheCard() {
        byte[] record = data(send(unionPay(), Apdus.readRecord(1, 1)));
        assertEquals("00000000000000000100", HEX.formatHex(Tlv.find(record, Apdus.TAG_CVM_LIST).orElseThrow()));
        assertEquals("0220", HEX.formatHex(Tlv.find(record, Apdus.TAG_SERVICE_CODE).orElseThrow()));
    }

    @Test
    void anOddNumberOfDigitsIsPaddedWithF() {
        CardChip amex = new CardChip("A000000025010801", "378282246310005", "2712", "201", "1234", true, false, 3);
        byte[] record = data(send(amex, Apdus.readRecord(1, 1)));
        assertEquals("378282246310005F", HEX.formatHex(Tlv.find(record, Apdus.TAG_PAN).orElseThrow()));
        assertEquals("378282246310005D2712201F", HEX.formatHex(Tlv.find(record, 0x57).orElseThrow()));
    }

    @ParameterizedTest
    @CsvSource({"3012, 301231", "2402, 240229", "2502, 250228", "3004, 300430"})
    void theExpiryIsTheLastDayOfTheMonth(String yymm, String yymmdd) {
        CardChip chip = new CardChip(VISA_AID, VISA_PAN, yymm, "201", VISA_PIN, true, false, 3);
        byte[] record = data(send(chip, Apdus.readRecord(1, 1)));
        assertEquals(yymmdd, HEX.formatHex(Tlv.find(record, Apdus.TAG_EXPIRY).orElseThrow()));
    }

    @ParameterizedTest
    @CsvSource({"1, 2", "2, 1", "1, 0", "31, 1"})
    void otherRecordsAreNotFound(int sfi, int record) {
        byte[] command = HEX.parseHex("00B2" + "%02X%02X".formatted(record, sfi << 3 | 4) + "00");
        assertEquals("6A83", send(visa(), command));
    }

    @Test
    void getDataAnswersThePinTryCounter() {
        assertEquals("9F170103" + "9000", send(unionPay(), "80CA9F1700"));
        assertEquals("9F170103" + "9000", send(visa(), "80CA9F1700"));
    }

    @Test
    void theRightPinIsVerified() {
        assertEquals("9000", send(unionPay(), "0020008008" + "26369147FFFFFFFF"));
    }

    @Test
    void eachWrongPinCostsATryUntilTheLastAnswers63C0AndThenEveryVerifyIsBlocked() {
        CardChip chip = unionPay();
        assertEquals("63C2", verify(chip, "0000"));
        assertEquals("9F170102" + "9000", tryCounter(chip));
        assertEquals("63C1", verify(chip, "0000"));
        assertEquals("63C0", verify(chip, "0000"));
        assertEquals("9F170100" + "9000", tryCounter(chip));
        assertEquals("6983", verify(chip, "0000"));
        assertEquals("6983", verify(chip, UNIONPAY_PIN), "not even the right PIN gets through");
        assertEquals("9F170100" + "9000", tryCounter(chip));
    }

    @Test
    void theRightPinPutsTheCounterBackToItsStart() {
        CardChip chip = unionPay();
        verify(chip, "0000");
        verify(chip, "0000");
        assertEquals("9000", verify(chip, UNIONPAY_PIN));
        assertEquals("9F170103" + "9000", tryCounter(chip));
    }

    @Test
    void aCardThatStartsBlockedIsBlocked() {
        CardChip blocked = new CardChip("A000000333010101", "6250000000001234", "3012", "220", "135246", true, true, 0);
        assertEquals("9F170100" + "9000", tryCounter(blocked));
        assertEquals("6983", verify(blocked, "135246"));
    }

    @Test
    void aCardWithoutOfflinePinHasNoPinToVerify() {
        CardChip chip = visa();
        assertEquals("6A88", verify(chip, VISA_PIN));
        assertEquals("6A88", verify(chip, "0000"));
        assertEquals("9F170103" + "9000", tryCounter(chip), "and it costs no try");
    }

    @Test
    void aBlockThatIsNoPlaintextPinBlockIsNoRowOfTheTableAndCostsNoTry() {
        CardChip chip = unionPay();
        assertEquals("6D00", send(chip, "0020008008" + "16369147FFFFFFFF"), "control nibble 1");
        assertEquals("6D00", send(chip, "0020008008" + "263691A7FFFFFFFF"), "a digit that is none");
        assertEquals("6D00", send(chip, "0020008008" + "24369147FFFFFFFF"), "digits beyond the length");
        assertEquals("6D00", send(chip, "0020008007" + "26369147FFFFFF"), "a block of 7 bytes");
        assertEquals("9F170103" + "9000", tryCounter(chip));
    }

    @Test
    void resetForgetsTheSelectedApplicationButNotTheTryCounterWhichLivesOnTheCard() {
        CardChip chip = unionPay();
        select(chip, "A000000333010101");
        assertEquals("63C2", verify(chip, "0000"));
        chip.reset();
        assertEquals("6985", send(chip, Apdus.getProcessingOptions()));
        assertEquals("9F170102" + "9000", tryCounter(chip));
        assertEquals("63C1", verify(chip, "0000"));
    }

    @ParameterizedTest
    @CsvSource({"80, 80", "40, 40", "00, 00"})
    void generateAcAnswersTheCryptogramAskedFor(String p1, String cid) {
        byte[] answer = data(send(unionPay(), Apdus.generateAc(Integer.parseInt(p1, 16), HEX.parseHex("0000000066000156"))));
        List<Tlv.Element> template = Tlv.parse(answer);
        assertEquals(1, template.size());
        assertEquals(0x77, template.getFirst().tag());
        List<Tlv.Element> inside = Tlv.parse(template.getFirst().value());
        assertEquals(List.of(Apdus.TAG_CRYPTOGRAM_INFORMATION, Apdus.TAG_ATC, Apdus.TAG_APPLICATION_CRYPTOGRAM),
                inside.stream().map(Tlv.Element::tag).toList());
        assertEquals(cid, HEX.formatHex(inside.get(0).value()));
        assertEquals("0001", HEX.formatHex(inside.get(1).value()));
        assertEquals(8, inside.get(2).value().length);
    }

    @Test
    void theAtcCountsEveryGenerateAcAndSurvivesAReset() {
        CardChip chip = visa();
        byte[] data = HEX.parseHex("0102");
        String first = send(chip, Apdus.generateAc(Apdus.ARQC, data));
        chip.reset();
        String second = send(chip, Apdus.generateAc(Apdus.TC, data));
        assertEquals("0001", HEX.formatHex(Tlv.find(data(first), Apdus.TAG_ATC).orElseThrow()));
        assertEquals("0002", HEX.formatHex(Tlv.find(data(second), Apdus.TAG_ATC).orElseThrow()));
        assertNotEquals(HEX.formatHex(Tlv.find(data(first), Apdus.TAG_APPLICATION_CRYPTOGRAM).orElseThrow()),
                HEX.formatHex(Tlv.find(data(second), Apdus.TAG_APPLICATION_CRYPTOGRAM).orElseThrow()));
    }

    @Test
    void theCryptogramIsTheSameForTheSameCardAtcAndData() {
        byte[] data = HEX.parseHex("0000000066000156");
        assertArrayEquals(Tlv.find(data(send(visa(), Apdus.generateAc(Apdus.ARQC, data))), Apdus.TAG_APPLICATION_CRYPTOGRAM).orElseThrow(),
                Tlv.find(data(send(visa(), Apdus.generateAc(Apdus.ARQC, data))), Apdus.TAG_APPLICATION_CRYPTOGRAM).orElseThrow());
        assertNotEquals(send(visa(), Apdus.generateAc(Apdus.ARQC, data)),
                send(visa(), Apdus.generateAc(Apdus.ARQC, HEX.parseHex("0000000066000157"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0084000008",                 // GET CHALLENGE: no such instruction here
        "80CA9F3600",                 // GET DATA of another tag: no row of the table
        "80AEC00000",                 // GENERATE AC asking for no cryptogram type the table knows
        "80AE800100",                 // GENERATE AC with P2 other than 00
        "00A4000C023F00",             // SELECT by file id, not by name
        "80A80000028301AA00",         // GET PROCESSING OPTIONS with PDOL data the card never asked for
        "002000880812345678FFFFFFFF", // VERIFY of an enciphered PIN
        "80A4040007A000000003101000", // SELECT in the proprietary class
        "00A40400FFA0",               // Lc says more data than there is
        "00B2",                       // not even a header
    })
    void anythingElseIsAnInstructionNotSupported(String commandHex) {
        assertEquals("6D00", send(visa(), commandHex));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10A404000E315041592E5359532E444446303100", "84B2010C00", "A0CA9F1700", "FF000000"})
    void aClassOtherThan00Or80IsNotSupported(String commandHex) {
        assertEquals("6E00", send(visa(), commandHex));
    }

    @Test
    void theCardAnswersWithOrWithoutLe() {
        assertEquals(select(visa(), VISA_AID), send(visa(), "00A4040007A0000000031010"));
        assertEquals(send(visa(), "00B2010C00"), send(visa(), "00B2010C"));
    }

    @Test
    void aDeadChipIsMuteToEverything() {
        CardChip dead = new CardChip("A000000333010101", "6228480011112221", "3012", "201", "963741", false, false, 3);
        for (byte[] command : List.of(Apdus.selectDirectory(true), Apdus.selectDirectory(false),
                Apdus.selectByName(HEX.parseHex("A000000333010101")), Apdus.getProcessingOptions(),
                Apdus.readRecord(1, 1), Apdus.getData(0x9F17), HEX.parseHex("FF00"))) {
            assertTrue(dead.transmit(command).isEmpty(), HEX.formatHex(command));
        }
        dead.reset();
        assertTrue(dead.transmit(Apdus.selectDirectory(true)).isEmpty());
    }

    @Test
    void theCountersStayExactWhenReadersOnSeveralThreadsTalkToTheCard() throws Exception {
        CardChip chip = new CardChip("A000000333010101", "6212345678901232", "3012", "220", UNIONPAY_PIN, true, true, 200);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        verify(chip, "0000");
                        send(chip, Apdus.generateAc(Apdus.ARQC, new byte[] {1}));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertEquals("9F170128" + "9000", tryCounter(chip));
        assertEquals("00A1", HEX.formatHex(Tlv.find(data(send(chip, Apdus.generateAc(Apdus.AAC, new byte[0]))),
                Apdus.TAG_ATC).orElseThrow()));
    }

    @Test
    void itsDescriptionNamesTheCardButNeverShowsTheWholePanOrThePin() {
        String text = unionPay().toString();
        assertTrue(text.contains("621234******1232"), text);
        assertFalse(text.contains("6212345678901232"), text);
        assertFalse(text.contains(UNIONPAY_PIN), text);
    }

    @Test
    void valuesThatNoCardCouldHoldAreRefusedWithoutRepeatingThem() {
        IllegalArgumentException pan = assertThrows(IllegalArgumentException.class,
                () -> new CardChip(VISA_AID, "476173900101011X", "3012", "201", VISA_PIN, true, false, 3));
        assertFalse(pan.getMessage().contains("476173900101011"), pan.getMessage());
        IllegalArgumentException pin = assertThrows(IllegalArgumentException.class,
                () -> new CardChip(VISA_AID, VISA_PAN, "3012", "201", "98a7", true, true, 3));
        assertTrue(pin.getMessage().contains("PIN"), pin.getMessage());
        assertFalse(pin.getMessage().contains("98a7"), pin.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CardChip(VISA_AID, VISA_PAN, "3013", "201", VISA_PIN, true, false, 3));
        assertThrows(IllegalArgumentException.class, () -> new CardChip("A0000000", VISA_PAN, "3012", "201", VISA_PIN, true, false, 3));
        assertThrows(IllegalArgumentException.class, () -> new CardChip(VISA_AID, VISA_PAN, "3012", "21", VISA_PIN, true, false, 3));
        assertThrows(IllegalArgumentException.class, () -> new CardChip(VISA_AID, VISA_PAN, "3012", "201", VISA_PIN, true, false, 256));
    }
}
