package dev.posbench.sim;

import static dev.posbench.channel.Apdus.AAC;
import static dev.posbench.channel.Apdus.ARQC;
import static dev.posbench.channel.Apdus.CLA_EMV;
import static dev.posbench.channel.Apdus.CLA_ISO;
import static dev.posbench.channel.Apdus.TC;

import dev.posbench.channel.Apdus;
import dev.posbench.channel.Pans;
import dev.posbench.channel.Tlv;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A test card's chip as a terminal's reader reaches it: command APDUs in, response APDUs out,
 * exactly as docs/terminal-contract.md ("What the simulated card answers") lists them. A command
 * the table has no row for answers {@code 6D00}, a class other than 00 and 80 {@code 6E00}.
 *
 * <p>The PIN try counter and the application transaction counter live on the card, so they
 * survive {@link #reset()}; the selected application is the reader session's and does not. The
 * terminal's reader thread and the bench's thread that inserts and removes the card both reach
 * the chip, hence the locking.
 */
public final class CardChip {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    // the card's own templates and data objects; what a terminal reads from them is in Apdus
    private static final int FCI = 0x6F;
    private static final int DF_NAME = 0x84;
    private static final int FCI_PROPRIETARY = 0xA5;
    private static final int FCI_ISSUER_DISCRETIONARY = 0xBF0C;
    private static final int DIRECTORY_ENTRY = 0x61;
    private static final int PRIORITY = 0x87;
    private static final int LABEL = 0x50;
    private static final int RECORD_TEMPLATE = 0x70;
    private static final int RESPONSE_FORMAT_2 = 0x77;
    private static final int AIP = 0x82;
    private static final int TRACK2_EQUIVALENT = 0x57;

    /** Cardholder verification and terminal risk management, no offline data authentication: no keys to simulate. */
    private static final byte[] AIP_VALUE = {0x18, 0x00};
    /** The whole application is one record: SFI 1, record 1, not signed for offline data authentication. */
    private static final byte[] AFL_VALUE = {0x08, 0x01, 0x01, 0x00};
    private static final int SFI = 1;
    private static final int RECORD = 1;
    private static final byte[] EMPTY_PDOL_DATA = {(byte) 0x83, 0x00};
    /** An EMV partial name is at least the RID (registered application provider id). */
    private static final int SHORTEST_PARTIAL_AID = 5;
    private static final byte[] PSE = Apdus.PSE.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PPSE = Apdus.PPSE.getBytes(StandardCharsets.US_ASCII);

    private final byte[] aid;
    private final String pan;
    private final boolean answers;
    private final boolean offlinePin;
    private final String pin;
    private final int initialTries;
    private final byte[] directoryFci;
    private final byte[] applicationFci;
    private final byte[] record;

    // guarded by this
    private int tries;
    private int atc;
    private boolean applicationSelected;

    /**
     * @param aid         the payment application's id, hex, 5 to 16 bytes
     * @param pan         12 to 19 digits
     * @param expiryYymm  the expiry month, YYMM
     * @param serviceCode three digits
     * @param pin         the PIN the chip checks; only an offline-PIN card holds one
     * @param answers     false: a dead chip, mute to every command
     * @param offlinePin  true: the chip verifies the PIN (CVM plaintext PIN); false: online PIN
     * @param pinTries    the PIN try counter the card starts with, and returns to after a right PIN
     */
    public CardChip(String aid, String pan, String expiryYymm, String serviceCode, String pin, boolean answers,
            boolean offlinePin, int pinTries) {
        // the messages name the field, never the value: it may be a PAN or a PIN
        require(aid.matches("(?i)([0-9A-F]{2}){5,16}"), "an AID is 5 to 16 bytes of hex");
        require(pan.matches("\\d{12,19}"), "a PAN has 12 to 19 digits");
        require(expiryYymm.matches("\\d\\d(0[1-9]|1[0-2])"), "an expiry is YYMM");
        require(serviceCode.matches("\\d{3}"), "a service code has 3 digits");
        require(!offlinePin || pin.matches("\\d{4,12}"), "an offline PIN has 4 to 12 digits");
        require(pinTries >= 0 && pinTries <= 0xFF, "a PIN try counter is one byte");
        this.aid = HEX.parseHex(aid);
        this.pan = pan;
        this.answers = answers;
        this.offlinePin = offlinePin;
        this.pin = offlinePin ? pin : null;
        this.initialTries = pinTries;
        this.tries = pinTries;
        this.directoryFci = Tlv.of(FCI_ISSUER_DISCRETIONARY,
                Tlv.of(DIRECTORY_ENTRY, Tlv.of(Apdus.TAG_AID, this.aid), Tlv.of(PRIORITY, new byte[] {0x01})));
        this.applicationFci = Tlv.of(FCI, Tlv.of(DF_NAME, this.aid),
                Tlv.of(FCI_PROPRIETARY, Tlv.of(LABEL, label(HEX.formatHex(this.aid)).getBytes(StandardCharsets.US_ASCII))));
        this.record = Tlv.of(RECORD_TEMPLATE,
                Tlv.of(TRACK2_EQUIVALENT, bcd(pan + "D" + expiryYymm + serviceCode)),
                Tlv.of(Apdus.TAG_PAN, bcd(pan)),
                Tlv.of(Apdus.TAG_EXPIRY, HEX.parseHex(lastDayOf(expiryYymm))),
                Tlv.of(Apdus.TAG_SERVICE_CODE, HEX.parseHex("0" + serviceCode)),
                Tlv.of(Apdus.TAG_CVM_LIST, cvmList(offlinePin)));
    }

    /** The response APDU, status word last; empty from a dead chip, which never answers anything. */
    public synchronized Optional<byte[]> transmit(byte[] command) {
        return answers ? Optional.of(answer(command)) : Optional.empty();
    }

    /**
     * A new power-up, as when the card is inserted or tapped again: nothing is selected any more.
     * The try counter and the ATC stay, since they are stored on the card.
     */
    public synchronized void reset() {
        applicationSelected = false;
    }

    private byte[] answer(byte[] bytes) {
        Optional<Command> parsed = Command.parse(bytes);
        if (parsed.isEmpty()) {
            return status(Apdus.SW_INS_NOT_SUPPORTED); // not even a command: the table's "anything else"
        }
        Command c = parsed.get();
        if (c.cla() != CLA_ISO && c.cla() != CLA_EMV) {
            return status(Apdus.SW_CLA_NOT_SUPPORTED);
        }
        if (c.is(CLA_ISO, Apdus.INS_SELECT, 0x04, 0x00)) {
            return select(c.data());
        }
        if (c.is(CLA_EMV, Apdus.INS_GET_PROCESSING_OPTIONS, 0x00, 0x00) && Arrays.equals(c.data(), EMPTY_PDOL_DATA)) {
            return getProcessingOptions();
        }
        if (c.cla() == CLA_ISO && c.ins() == Apdus.INS_READ_RECORD && c.data().length == 0) {
            return c.p1() == RECORD && c.p2() == (SFI << 3 | 0x04) ? ok(record) : status(Apdus.SW_RECORD_NOT_FOUND);
        }
        if (c.is(CLA_EMV, Apdus.INS_GET_DATA, Apdus.TAG_PIN_TRY_COUNTER >>> 8, Apdus.TAG_PIN_TRY_COUNTER & 0xFF)
                && c.data().length == 0) {
            return ok(Tlv.of(Apdus.TAG_PIN_TRY_COUNTER, new byte[] {(byte) tries}));
        }
        if (c.is(CLA_ISO, Apdus.INS_VERIFY, 0x00, 0x80) && c.data().length == 8) {
            return verify(c.data());
        }
        if (c.cla() == CLA_EMV && c.ins() == Apdus.INS_GENERATE_AC && c.p2() == 0x00
                && (c.p1() == ARQC || c.p1() == TC || c.p1() == AAC)) {
            return generateAc(c.p1(), c.data());
        }
        return status(Apdus.SW_INS_NOT_SUPPORTED);
    }

    /**
     * The PSE and the PPSE are the same directory on both readers. A name that is not found leaves
     * the selection as it was, as a real card's does.
     */
    private byte[] select(byte[] name) {
        if (Arrays.equals(name, PSE) || Arrays.equals(name, PPSE)) {
            applicationSelected = false;
            return ok(Tlv.of(FCI, Tlv.of(DF_NAME, name), Tlv.of(FCI_PROPRIETARY, directoryFci)));
        }
        boolean partOfAid = name.length >= SHORTEST_PARTIAL_AID && name.length <= aid.length
                && Arrays.equals(name, Arrays.copyOf(aid, name.length));
        if (!partOfAid) {
            return status(Apdus.SW_FILE_NOT_FOUND);
        }
        applicationSelected = true;
        return ok(applicationFci);
    }

    private byte[] getProcessingOptions() {
        if (!applicationSelected) {
            return status(Apdus.SW_CONDITIONS_NOT_SATISFIED);
        }
        return ok(Tlv.of(RESPONSE_FORMAT_2, Tlv.of(AIP, AIP_VALUE), Tlv.of(Apdus.TAG_AFL, AFL_VALUE)));
    }

    /**
     * A wrong PIN costs a try and answers {@code 63Cx} with the tries left, so the last wrong try
     * answers {@code 63C0}; from then on every VERIFY, right or wrong, answers {@code 6983}. A
     * block that is no plaintext PIN block is no row of the table, and costs nothing.
     */
    private byte[] verify(byte[] block) {
        if (!offlinePin) {
            return status(Apdus.SW_DATA_NOT_FOUND);
        }
        if (tries == 0) {
            return status(Apdus.SW_PIN_BLOCKED);
        }
        Optional<String> candidate = Apdus.plaintextPin(block);
        if (candidate.isEmpty()) {
            return status(Apdus.SW_INS_NOT_SUPPORTED);
        }
        if (candidate.get().equals(pin)) {
            tries = initialTries;
            return status(Apdus.SW_OK);
        }
        tries--;
        return status(Apdus.SW_WRONG_PIN | Math.min(tries, 0x0F));
    }

    /** The card signs nothing real: a test card's cryptogram only has to be stable and differ per ATC. */
    private byte[] generateAc(int cryptogramType, byte[] data) {
        atc = (atc + 1) & 0xFFFF;
        byte[] atcBytes = {(byte) (atc >>> 8), (byte) atc};
        byte[] cryptogram = Arrays.copyOf(sha256(pan.getBytes(StandardCharsets.US_ASCII), atcBytes, data), 8);
        return ok(Tlv.of(RESPONSE_FORMAT_2,
                Tlv.of(Apdus.TAG_CRYPTOGRAM_INFORMATION, new byte[] {(byte) cryptogramType}),
                Tlv.of(Apdus.TAG_ATC, atcBytes),
                Tlv.of(Apdus.TAG_APPLICATION_CRYPTOGRAM, cryptogram)));
    }

    /**
     * A short command APDU taken apart: the header, and the data when Lc is there. Le is not kept,
     * since the card always answers all it has. Empty when the length disagrees with Lc.
     */
    private record Command(int cla, int ins, int p1, int p2, byte[] data) {

        static Optional<Command> parse(byte[] apdu) {
            if (apdu.length < 4) {
                return Optional.empty();
            }
            byte[] data = new byte[0];
            if (apdu.length > 5) {
                int lc = apdu[4] & 0xFF;
                if (lc == 0 || (apdu.length != 5 + lc && apdu.length != 6 + lc)) {
                    return Optional.empty();
                }
                data = Arrays.copyOfRange(apdu, 5, 5 + lc);
            }
            return Optional.of(new Command(apdu[0] & 0xFF, apdu[1] & 0xFF, apdu[2] & 0xFF, apdu[3] & 0xFF, data));
        }

        boolean is(int cla, int ins, int p1, int p2) {
            return this.cla == cla && this.ins == ins && this.p1 == p1 && this.p2 == p2;
        }
    }

    /** The brand a terminal may show, from the RID (upper-case hex); the deck's other cards are plain test cards. */
    private static String label(String aidHex) {
        return switch (aidHex.substring(0, 10)) {
            case "A000000003" -> "VISA";
            case "A000000004" -> "MASTERCARD";
            case "A000000333" -> "UNIONPAY";
            default -> "TEST CARD";
        };
    }

    /** Digits (and the D separator) two to a byte, F-padded to whole bytes as EMV numbers are. */
    private static byte[] bcd(String digits) {
        return HEX.parseHex(digits.length() % 2 == 0 ? digits : digits + "F");
    }

    /** YYMMDD with the month's last day: a card is good through the whole month it shows. */
    private static String lastDayOf(String yymm) {
        YearMonth month = YearMonth.of(2000 + Integer.parseInt(yymm.substring(0, 2)), Integer.parseInt(yymm.substring(2)));
        return month.atEndOfMonth().format(DateTimeFormatter.ofPattern("yyMMdd"));
    }

    /**
     * Amounts X and Y zero, then one rule, condition 00 "always": plaintext PIN verified by the
     * card (01) for an offline-PIN card, enciphered PIN verified online (02) otherwise.
     */
    private static byte[] cvmList(boolean offlinePin) {
        byte[] list = new byte[10];
        list[8] = (byte) (offlinePin ? 0x01 : 0x02);
        return list;
    }

    private static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] ok(byte[] data) {
        return ByteBuffer.allocate(data.length + 2).put(data).putShort((short) Apdus.SW_OK).array();
    }

    private static byte[] status(int statusWord) {
        return new byte[] {(byte) (statusWord >>> 8), (byte) statusWord};
    }

    private static void require(boolean condition, String rule) {
        if (!condition) {
            throw new IllegalArgumentException("test card chip: " + rule);
        }
    }

    @Override
    public synchronized String toString() {
        return "CardChip[aid=" + HEX.formatHex(aid) + ", pan=" + Pans.mask(pan) + ", answers=" + answers
                + ", offlinePin=" + offlinePin + ", tries=" + tries + ", atc=" + atc + "]";
    }
}
