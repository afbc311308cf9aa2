package dev.posbench.channel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The chip protocol both ends agree on (docs/terminal-contract.md, "The chip: APDUs"): the
 * commands a terminal sends, in ISO 7816-4 short form, and the status words and data objects a
 * card answers with. The simulated card and a terminal's reader both build on this one page, so
 * they cannot drift apart.
 */
public final class Apdus {

    /** The contact payment system environment: the directory a contact reader selects first. */
    public static final String PSE = "1PAY.SYS.DDF01";
    /** The proximity payment system environment: the same, for a contactless reader. */
    public static final String PPSE = "2PAY.SYS.DDF01";

    /** The inter-industry class (ISO 7816-4 commands) and the payment systems' proprietary one. */
    public static final int CLA_ISO = 0x00;
    public static final int CLA_EMV = 0x80;

    public static final int INS_SELECT = 0xA4;
    public static final int INS_GET_PROCESSING_OPTIONS = 0xA8;
    public static final int INS_READ_RECORD = 0xB2;
    public static final int INS_GET_DATA = 0xCA;
    public static final int INS_VERIFY = 0x20;
    public static final int INS_GENERATE_AC = 0xAE;

    public static final int SW_OK = 0x9000;
    /** Wrong PIN: the low four bits are the tries left. */
    public static final int SW_WRONG_PIN = 0x63C0;
    /** The PIN try counter is zero: no VERIFY will ever succeed again. */
    public static final int SW_PIN_BLOCKED = 0x6983;
    /** The command comes before what it needs (GET PROCESSING OPTIONS before an application is selected). */
    public static final int SW_CONDITIONS_NOT_SATISFIED = 0x6985;
    /** SELECT of a name the card does not have. */
    public static final int SW_FILE_NOT_FOUND = 0x6A82;
    public static final int SW_RECORD_NOT_FOUND = 0x6A83;
    /** The card has no such data; VERIFY on a card without offline PIN has no PIN to check. */
    public static final int SW_DATA_NOT_FOUND = 0x6A88;
    public static final int SW_INS_NOT_SUPPORTED = 0x6D00;
    public static final int SW_CLA_NOT_SUPPORTED = 0x6E00;

    /** GENERATE AC P1: the cryptogram the terminal asks for, and the card's 9F27 answering it. */
    public static final int AAC = 0x00;
    public static final int TC = 0x40;
    public static final int ARQC = 0x80;

    /** The data objects a terminal reads from the card's answers. */
    public static final int TAG_AID = 0x4F;
    public static final int TAG_PAN = 0x5A;
    public static final int TAG_EXPIRY = 0x5F24;
    public static final int TAG_SERVICE_CODE = 0x5F30;
    public static final int TAG_CVM_LIST = 0x8E;
    public static final int TAG_AFL = 0x94;
    public static final int TAG_PIN_TRY_COUNTER = 0x9F17;
    public static final int TAG_CRYPTOGRAM_INFORMATION = 0x9F27;
    public static final int TAG_ATC = 0x9F36;
    public static final int TAG_APPLICATION_CRYPTOGRAM = 0x9F26;

    /** VERIFY P2: the PIN travels in plaintext, for the card to check. */
    private static final int PLAINTEXT_PIN = 0x80;
    private static final int PIN_BLOCK_LENGTH = 8;
    /** The control nibble of a plaintext PIN block (EMV Book 3, 6.5.12). */
    private static final int PIN_BLOCK_CONTROL = 0x2;

    private Apdus() {}

    /** SELECT by name (P1 04), the first or only occurrence (P2 00): a PSE, a PPSE or an AID. */
    public static byte[] selectByName(byte[] name) {
        if (name.length == 0 || name.length > 16) {
            throw new IllegalArgumentException("a name to select has 1 to 16 bytes");
        }
        return command(CLA_ISO, INS_SELECT, 0x04, 0x00, name, true);
    }

    /** SELECT of the PSE (contact) or the PPSE (contactless). */
    public static byte[] selectDirectory(boolean contact) {
        return selectByName((contact ? PSE : PPSE).getBytes(StandardCharsets.US_ASCII));
    }

    /** GET PROCESSING OPTIONS with empty PDOL data ({@code 83 00}): the simulated card asks for none. */
    public static byte[] getProcessingOptions() {
        return command(CLA_EMV, INS_GET_PROCESSING_OPTIONS, 0x00, 0x00, new byte[] {(byte) 0x83, 0x00}, true);
    }

    /** READ RECORD of one record of a short file, as the AFL names them. */
    public static byte[] readRecord(int sfi, int record) {
        if (sfi < 1 || sfi > 30 || record < 1 || record > 254) {
            throw new IllegalArgumentException("SFI 1 to 30 and record 1 to 254, not %d and %d".formatted(sfi, record));
        }
        return command(CLA_ISO, INS_READ_RECORD, record, sfi << 3 | 0x04, new byte[0], true);
    }

    /** GET DATA of a one- or two-byte tag (P1 P2 are the tag). */
    public static byte[] getData(int tag) {
        if (tag <= 0 || tag > 0xFFFF) {
            throw new IllegalArgumentException("GET DATA takes a tag of one or two bytes: %X".formatted(tag));
        }
        return command(CLA_EMV, INS_GET_DATA, tag >>> 8, tag & 0xFF, new byte[0], true);
    }

    /**
     * VERIFY with the plaintext PIN block {@code 2L PPPP..FF}: control 2, the PIN length, the
     * digits, F up to 8 bytes. The exception never carries the PIN.
     */
    public static byte[] verifyPlaintextPin(String pin) {
        if (!pin.matches("\\d{4,12}")) {
            throw new IllegalArgumentException("a PIN has 4 to 12 digits");
        }
        String block = (Integer.toHexString(PIN_BLOCK_CONTROL) + Integer.toHexString(pin.length()) + pin
                + "F".repeat(2 * PIN_BLOCK_LENGTH)).substring(0, 2 * PIN_BLOCK_LENGTH);
        return command(CLA_ISO, INS_VERIFY, 0x00, PLAINTEXT_PIN, HexFormat.of().parseHex(block), false);
    }

    /** The PIN in a plaintext PIN block, or empty when the block is not one (the card's side of VERIFY). */
    public static Optional<String> plaintextPin(byte[] block) {
        if (block.length != PIN_BLOCK_LENGTH) {
            return Optional.empty();
        }
        String hex = HexFormat.of().withUpperCase().formatHex(block);
        int length = Character.digit(hex.charAt(1), 16);
        if (Character.digit(hex.charAt(0), 16) != PIN_BLOCK_CONTROL || length < 4 || length > 12) {
            return Optional.empty();
        }
        String pin = hex.substring(2, 2 + length);
        boolean wellFormed = pin.chars().allMatch(c -> c >= '0' && c <= '9') && hex.substring(2 + length).matches("F*");
        return wellFormed ? Optional.of(pin) : Optional.empty();
    }

    /** GENERATE AC asking for the cryptogram {@code p1} ({@link #ARQC}, {@link #TC}, {@link #AAC}) over the data. */
    public static byte[] generateAc(int p1, byte[] data) {
        if (p1 != ARQC && p1 != TC && p1 != AAC) {
            throw new IllegalArgumentException("GENERATE AC asks for an ARQC, a TC or an AAC, not P1 %02X".formatted(p1));
        }
        return command(CLA_EMV, INS_GENERATE_AC, p1, 0x00, data, true);
    }

    /** The status word: the response's last two bytes. */
    public static int statusWord(byte[] response) {
        requireStatusWord(response);
        return (response[response.length - 2] & 0xFF) << 8 | response[response.length - 1] & 0xFF;
    }

    /** The response without its status word. */
    public static byte[] data(byte[] response) {
        requireStatusWord(response);
        return Arrays.copyOf(response, response.length - 2);
    }

    /** The tries left from a {@code 63Cx} status word, or -1 when it is not one. */
    public static int triesLeft(int statusWord) {
        return (statusWord & 0xFFF0) == SW_WRONG_PIN ? statusWord & 0x0F : -1;
    }

    /**
     * A short command APDU: header, then Lc and the data when there is data, then Le 00 ("as much
     * as you have") when an answer is expected. Without data that is case 2, with data case 3 or 4.
     */
    private static byte[] command(int cla, int ins, int p1, int p2, byte[] data, boolean expectsData) {
        if (data.length > 255) {
            throw new IllegalArgumentException("a short APDU carries at most 255 bytes of data");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(6 + data.length);
        out.write(cla);
        out.write(ins);
        out.write(p1);
        out.write(p2);
        if (data.length > 0) {
            out.write(data.length);
            out.writeBytes(data);
        }
        if (expectsData) {
            out.write(0x00);
        }
        return out.toByteArray();
    }

    private static void requireStatusWord(byte[] response) {
        if (response.length < 2) {
            throw new IllegalArgumentException("a response APDU ends with two status word bytes; this one has "
                    + response.length + " bytes");
        }
    }
}
