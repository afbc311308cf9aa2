package dev.posbench.emulator;

import dev.posbench.channel.Pans;
import dev.posbench.channel.PhysicalEvent;
import dev.posbench.channel.WorldMessage;
import java.io.IOException;
import java.io.Serial;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal's firmware: one event loop that owns every bit of the terminal's state. Inputs come
 * from a queue (physical events, console lines, the bank's answers); timers are deadlines the loop
 * waits until, so a key, a pulled card or a power cut is seen whatever the terminal is doing.
 *
 * <p>The flow code (boot, idle, a purchase) is written as straight-line code that asks the loop
 * for the next input; a power cut unwinds it from wherever it was.
 */
final class Firmware {

    static final String BANNER = "BOOT posbench reference terminal 1.0";

    private static final Logger LOG = LoggerFactory.getLogger(ReferenceTerminal.class);

    /** The names {@code STATUS} answers with. */
    enum State { OFF, BOOTING, IDLE, PRESENT_CARD, ENTER_PIN, ONLINE, ENTER_OTP, INSERT_CARD, REVERSAL, REMOVE_CARD, STUCK }

    /** The power went off: every volatile thing the firmware was doing is gone. */
    private static final class PowerLost extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        PowerLost() {
            super(null, null, false, false);
        }
    }

    /** The terminal object is closing. */
    private static final class Stopped extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        Stopped() {
            super(null, null, false, false);
        }
    }

    private final Settings settings;
    private final BlockingQueue<Input> inputs;
    private final ConsoleLink serial;
    private final Console console;
    private final Flash flash;
    private final Host host;
    private final ChipReader chips;
    private State state = State.OFF;
    /** Whether a card sits in the chip reader: physical, so tracked with the power off too. */
    private boolean cardInReader;
    private boolean serialBroken;

    Firmware(Settings settings, BlockingQueue<Input> inputs, ConsoleLink serial, Console console, Wire wire,
            ChipReader chips, Flash flash) {
        this.settings = settings;
        this.flash = flash;
        this.chips = chips;
        this.inputs = inputs;
        this.serial = serial;
        this.console = console;
        this.host = new Host(this, settings, wire, flash);
    }

    /** The loop thread's body; returns when the terminal is closed. */
    void run() {
        try {
            while (true) {
                awaitPowerOn();
                try {
                    boot();
                    while (true) {
                        long amount = awaitSale();
                        if (settings.has(Defect.HANG_ONCE) && flash.firstHang()) {
                            while (true) {
                                next(Deadline.NEVER); // frozen: input is taken and nothing answers it
                            }
                        }
                        try {
                            new Purchase(this, settings, host, flash, amount).run();
                        } catch (PowerLost | Stopped e) {
                            throw e;
                        } catch (RuntimeException e) {
                            LOG.error("purchase aborted by an unexpected fault", e);
                            show(Screen.TRANSACTION_FAILED);
                        }
                        afterResult();
                    }
                } catch (PowerLost e) {
                    host.abort();
                    LOG.info("power lost while {}", state);
                }
            }
        } catch (Stopped e) {
            host.abort();
            LOG.debug("terminal closed while {}", state);
        }
    }

    /** Called from any thread. */
    void post(Input input) {
        inputs.add(input);
    }

    /**
     * Waits for the next input that the flow has to decide on, or for the deadline. Handles here
     * what is the same in every state: the power, the console, and whether a card is in the reader.
     */
    Input next(Deadline deadline) {
        while (true) {
            long wait = deadline.remainingNanos();
            if (wait <= 0) {
                return new Input.Expired();
            }
            Input in;
            try {
                in = deadline.never() ? inputs.take() : inputs.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopped();
            }
            if (in == null) {
                return new Input.Expired();
            }
            switch (in) {
                case Input.Stop s -> throw new Stopped();
                case Input.Power(boolean on) -> {
                    if (!on) {
                        throw new PowerLost();
                    }
                }
                case Input.Physical(PhysicalEvent.CardInserted c) -> {
                    cardInReader = true;
                    return in;
                }
                case Input.Physical(PhysicalEvent.CardRemoved r) -> {
                    cardInReader = false;
                    return in;
                }
                case Input.Console(ConsoleCommand.Sale s) when state == State.IDLE -> {
                    return in;
                }
                case Input.Console(ConsoleCommand c) -> answer(c);
                default -> {
                    return in;
                }
            }
        }
    }

    void enter(State newState) {
        state = newState;
    }

    boolean cardInReader() {
        return cardInReader;
    }

    /** A session with the card now on that reader: powered up afresh, nothing selected yet. */
    Chip chip(WorldMessage.Reader reader) {
        return chips.connect(reader);
    }

    void show(Screen screen) {
        LOG.debug("display: {}", screen.en());
        if (console.silent(screen)) {
            return; // on the display only: this terminal keeps its prompts off the serial port
        }
        println(console.display(screen));
    }

    /**
     * A console log line. Callers mask PANs themselves and never pass a PIN; every digit run that
     * could be a PAN is masked again here, since texts from elsewhere (an answer's parse error)
     * end up in these lines too.
     */
    void log(String text) {
        String masked = Pans.maskAll(text);
        LOG.debug("{}", masked);
        println(console.log(masked));
    }

    /**
     * Prints a line on the serial console as it is, and nowhere else: only seeded defects use
     * this, to leak what a faulty terminal would (a full PAN, PIN digits).
     */
    void leak(String line) {
        println(line);
    }

    private void awaitPowerOn() {
        state = State.OFF;
        while (true) {
            Input in;
            try {
                in = inputs.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopped();
            }
            switch (in) {
                case Input.Stop s -> throw new Stopped();
                case Input.Power(boolean on) when on -> {
                    return;
                }
                case Input.Physical(PhysicalEvent.CardInserted c) -> cardInReader = true;
                case Input.Physical(PhysicalEvent.CardRemoved r) -> cardInReader = false;
                default -> {
                    // unpowered: the console and the keypad are dead
                }
            }
        }
    }

    private void boot() {
        state = State.BOOTING;
        LOG.info("power on: booting for {} ms", settings.boot().toMillis());
        // The firmware's start-up time, modeled as a deadline rather than a sleep so that the
        // power can be cut again while it boots.
        Deadline booted = Deadline.after(settings.boot());
        while (!(next(booted) instanceof Input.Expired)) {
            // a booting terminal ignores cards and keys
        }
        log(BANNER);
        state = State.IDLE;
        show(Screen.IDLE);
    }

    private long awaitSale() {
        state = State.IDLE;
        while (true) {
            if (next(Deadline.NEVER) instanceof Input.Console(ConsoleCommand.Sale(long amount))) {
                return amount;
            }
        }
    }

    /** Every path ends here: the card taken out of the reader, then idle. */
    private void afterResult() {
        if (settings.has(Defect.STUCK_AFTER_RESULT)) {
            state = State.STUCK;
            while (true) {
                next(Deadline.NEVER);
            }
        }
        if (cardInReader) {
            state = State.REMOVE_CARD;
            show(Screen.REMOVE_CARD);
            while (cardInReader) {
                next(Deadline.NEVER);
            }
        }
        state = State.IDLE;
        show(Screen.IDLE);
    }

    private void answer(ConsoleCommand command) {
        switch (command) {
            case ConsoleCommand.Status s -> println("STATE " + state);
            case ConsoleCommand.Sale s -> println("ERR BUSY");
            case ConsoleCommand.Invalid(String reply) -> println(reply);
        }
    }

    private void println(String line) {
        try {
            serial.send(line);
        } catch (IOException e) {
            if (!serialBroken) {
                LOG.warn("serial console cannot be written: {}", e.toString());
            }
            serialBroken = true;
        }
    }
}
