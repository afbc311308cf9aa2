package dev.posbench.emulator;

import dev.posbench.channel.Apdus;
import dev.posbench.channel.Tlv;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The terminal's chip reader speaking APDUs to the card (docs/terminal-contract.md, "The chip:
 * APDUs"), behind the {@link Chip} the purchase flow already uses. Methods are synchronized
 * because a reader carries one exchange at a time; the CVM list read at power-up is kept for
 * {@link #offlinePin()}.
 */
final class ApduChip implements Chip {

    /** What {@link #verify} returns when the card gave no status word: no status word at all, so a purchase fails. */
    static final int NO_ANSWER = -1;
    /** What {@link #pinTryCounter} returns when the card did not tell: unknown is not blocked, VERIFY will say. */
    static final int UNKNOWN_TRIES = -1;

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    /** The CVM list: amounts X and Y (4 bytes each), then 2-byte rules; the first rule decides here. */
    private static final int FIRST_RULE = 8;
    /** The CVM code's six low bits; bit 7 only says whether a failure moves on to the next rule. */
    private static final int CVM_CODE = 0x3F;
    private static final int PLAINTEXT_PIN_BY_ICC = 0x01;

    private final ApduPort port;
    private final boolean contact;
    private byte[] cvmList = new byte[0]; // guarded by this: the card of the last powerUpAndSelect

    private ApduChip(ApduPort port, boolean contact) {
        this.port = port;
        this.contact = contact;
    }

    /** A contact reader: it starts from the PSE, 1PAY.SYS.DDF01. */
    static ApduChip contact(ApduPort port) {
        return new ApduChip(port, true);
    }

    /** A contactless reader: it starts from the PPSE, 2PAY.SYS.DDF01. */
    static ApduChip contactless(ApduPort port) {
        return new ApduChip(port, false);
    }

    /**
     * Application selection and reading: SELECT PSE or PPSE, SELECT the AID of its directory entry,
     * GET PROCESSING OPTIONS, READ RECORD of every record the AFL names. Empty when any step goes
     * unanswered, answers other than 9000 or lacks what the terminal needs.
     */
    @Override
    public synchronized Optional<CardApplication> powerUpAndSelect() {
        cvmList = new byte[0];
        Optional<byte[]> aid = ok(Apdus.selectDirectory(contact))
                .flatMap(fci -> find(fci, Apdus.TAG_AID))
                .filter(name -> name.length >= 1 && name.length <= 16); // anything else cannot be selected
        if (aid.isEmpty() || ok(Apdus.selectByName(aid.get())).isEmpty()) {
            return Optional.empty();
        }
        Optional<byte[]> afl = ok(Apdus.getProcessingOptions()).flatMap(gpo -> find(gpo, Apdus.TAG_AFL));
        if (afl.isEmpty()) {
            return Optional.empty();
        }
        Optional<byte[]> records = readRecords(afl.get());
        if (records.isEmpty()) {
            return Optional.empty();
        }
        Optional<byte[]> pan = find(records.get(), Apdus.TAG_PAN);
        Optional<byte[]> expiry = find(records.get(), Apdus.TAG_EXPIRY).filter(v -> v.length == 3);
        Optional<byte[]> serviceCode = find(records.get(), Apdus.TAG_SERVICE_CODE).filter(v -> v.length == 2);
        if (pan.isEmpty() || expiry.isEmpty() || serviceCode.isEmpty()) {
            return Optional.empty();
        }
        cvmList = find(records.get(), Apdus.TAG_CVM_LIST).orElse(new byte[0]);
        return Optional.of(new CardApplication(HEX.formatHex(aid.get()),
                HEX.formatHex(pan.get()).replaceFirst("F+$", ""),
                HEX.formatHex(expiry.get()).substring(0, 4), // YYMMDD: the terminal keeps YYMM
                HEX.formatHex(serviceCode.get()).substring(1))); // n3 in two bytes: a leading 0 nibble
    }

    /** Whether the first rule of the card's CVM list is plaintext PIN verified by the card; false before a card was read. */
    @Override
    public synchronized boolean offlinePin() {
        return cvmList.length > FIRST_RULE && (cvmList[FIRST_RULE] & CVM_CODE) == PLAINTEXT_PIN_BY_ICC;
    }

    /**
     * GET DATA of 9F17. {@link #UNKNOWN_TRIES} when the card does not tell (no answer, an error, no
     * counter in it): EMV lets a terminal go on to VERIFY then, and a blocked card answers 6983
     * there, so the purchase does not show PIN BLOCKED for a card that merely went quiet.
     */
    @Override
    public synchronized int pinTryCounter() {
        return ok(Apdus.getData(Apdus.TAG_PIN_TRY_COUNTER))
                .flatMap(data -> find(data, Apdus.TAG_PIN_TRY_COUNTER))
                .filter(value -> value.length == 1)
                .map(value -> value[0] & 0xFF)
                .orElse(UNKNOWN_TRIES);
    }

    /** VERIFY with a plaintext PIN: the card's status word, or {@link #NO_ANSWER}. */
    @Override
    public synchronized int verify(String pin) {
        return port.exchange(Apdus.verifyPlaintextPin(pin))
                .filter(response -> response.length >= 2)
                .map(Apdus::statusWord)
                .orElse(NO_ANSWER);
    }

    /** GENERATE AC asking for an ARQC over the CDOL data: the response data (template 77), or empty. */
    synchronized Optional<byte[]> generateArqc(byte[] cdolData) {
        return ok(Apdus.generateAc(Apdus.ARQC, cdolData));
    }

    /** The records the AFL names (4-byte entries: SFI << 3, first, last, records signed), one after the other. */
    private Optional<byte[]> readRecords(byte[] afl) {
        if (afl.length == 0 || afl.length % 4 != 0) {
            return Optional.empty();
        }
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        for (int entry = 0; entry < afl.length; entry += 4) {
            int sfi = (afl[entry] & 0xFF) >>> 3;
            int first = afl[entry + 1] & 0xFF;
            int last = afl[entry + 2] & 0xFF;
            if (sfi < 1 || sfi > 30 || first < 1 || last < first || last > 254) {
                return Optional.empty();
            }
            for (int record = first; record <= last; record++) {
                Optional<byte[]> data = ok(Apdus.readRecord(sfi, record));
                if (data.isEmpty()) {
                    return Optional.empty();
                }
                records.writeBytes(data.get());
            }
        }
        return Optional.of(records.toByteArray());
    }

    /** The response data of a command the card answered with 9000; empty for anything else. */
    private Optional<byte[]> ok(byte[] command) {
        return port.exchange(command)
                .filter(response -> response.length >= 2 && Apdus.statusWord(response) == Apdus.SW_OK)
                .map(Apdus::data);
    }

    /** A data object in the card's answer; data that is not even TLV counts as not there. */
    private static Optional<byte[]> find(byte[] data, int tag) {
        try {
            return Tlv.find(data, tag);
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }
}
