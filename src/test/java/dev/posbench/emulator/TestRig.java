package dev.posbench.emulator;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.posbench.channel.Key;
import dev.posbench.channel.PhysicalEvent;
import dev.posbench.channel.Track2;
import dev.posbench.channel.WorldMessage;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** A reference terminal wired to a test's serial console and bank, driven by hand-made physical events. */
final class TestRig implements AutoCloseable {

    static final double NOMINAL_SPEED = 40.0;

    final SerialConsole serial = new SerialConsole();
    final ReferenceTerminal terminal;
    /** What the chip reader and the antenna reach; the contract's APDU side is tested in ApduChipTest. */
    private volatile Chip onContacts;
    private volatile Chip inField;

    TestRig(Settings settings, URI bankUrl) {
        terminal = new ReferenceTerminal(settings, serial.terminalIn(), serial.terminalOut(), bankUrl,
                reader -> reader == WorldMessage.Reader.CONTACT ? onContacts : inField);
    }

    void powerOn() {
        terminal.power(true);
        serial.awaitLine("LOG BOOT posbench reference terminal 1.0");
        serial.awaitDisplay("WELCOME");
    }

    void powerOff() {
        terminal.power(false);
    }

    void sale(long amount) {
        serial.send("SALE " + amount);
        serial.awaitDisplay("PRESENT CARD AMOUNT " + Screen.amountText(amount));
    }

    void swipe(String track2) {
        swipe(Track2.encode(track2), NOMINAL_SPEED);
    }

    void swipe(byte[] stripe, double speed) {
        terminal.accept(new PhysicalEvent.CardSwiped(stripe, speed));
    }

    void insert(Chip chip) {
        onContacts = chip;
        terminal.accept(new PhysicalEvent.CardInserted());
    }

    void remove() {
        terminal.accept(new PhysicalEvent.CardRemoved());
    }

    void tap(CardApplication application) {
        inField = FakeChip.onlinePin(application);
        terminal.accept(new PhysicalEvent.CardTapped());
    }

    void press(Key key) {
        terminal.accept(new PhysicalEvent.KeyPressed(key));
    }

    /** Types the digits and ENTER. */
    void enter(String digits) {
        for (char c : digits.toCharArray()) {
            press(Key.digit(c));
        }
        press(Key.ENTER);
    }

    /** Waits for the PIN prompt and enters this PIN. */
    void pin(String pin) {
        serial.awaitDisplay("ENTER PIN");
        enter(pin);
    }

    /** INV-2 and INV-3 on what the terminal printed: no full PAN, no PIN. */
    void assertNoSecretsOnSerial() {
        String transcript = serial.transcript();
        for (String pan : TestCards.ALL_PANS) {
            assertFalse(transcript.contains(pan), "a full PAN on the serial line:\n" + transcript);
        }
        assertFalse(transcript.contains(TestCards.PIN), "the PIN on the serial line:\n" + transcript);
        assertFalse(transcript.contains(TestCards.WRONG_PIN), "a PIN on the serial line:\n" + transcript);
    }

    @Override
    public void close() {
        terminal.close();
        serial.close();
    }

    /** Settings of a correct terminal with short timers; tests change what they need. */
    static final class Builder {
        Duration presentCard = Duration.ofSeconds(5);
        Duration pinEntry = Duration.ofSeconds(5);
        Duration otpEntry = Duration.ofSeconds(5);
        Duration host = Duration.ofSeconds(5);
        int reversalRetries = 2;
        boolean fallbackAllowed = true;
        boolean canSignOn = true;
        long contactlessCvmLimit = 30_000;
        List<String> acceptedAids = new ArrayList<>();
        List<String> acceptedBins = new ArrayList<>();
        Set<Defect> defects = EnumSet.noneOf(Defect.class);

        Builder defects(Defect... seeded) {
            defects = seeded.length == 0 ? EnumSet.noneOf(Defect.class) : EnumSet.copyOf(List.of(seeded));
            return this;
        }

        Settings build() {
            return new Settings("POS00001", "898110148990001", Duration.ofMillis(20), presentCard, pinEntry, otpEntry,
                    host, reversalRetries, true, fallbackAllowed, canSignOn, contactlessCvmLimit, 10.0, 150.0,
                    acceptedAids, acceptedBins, FakeBank.PIN_KEY, FakeBank.MAC_KEY, defects);
        }
    }
}
