package dev.posbench.emulator;

import static java.util.Objects.requireNonNull;

import dev.posbench.channel.PhysicalEvent;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference card-payment terminal, the device under test on the simulated rig. It sees only a
 * terminal's channels: the physical events the rig's mechanics cause ({@link #accept}), its chip
 * readers, its serial console (a plain-text ECR/debug console, UTF-8, CRLF lines) and the bank's URL.
 * {@link Main} wires it to the terminal contract; the emulator's own tests wire it to fakes.
 *
 * <p>It starts unpowered: {@link #power(boolean) power(true)} boots it. One
 * thread runs the firmware's event loop and another reads the serial line; {@link #close()} stops
 * both and closes the two serial streams, which the terminal owns from construction on.
 *
 * <p>Console: {@code SALE <amount in minor units>} starts a purchase at idle ({@code ERR BUSY}
 * otherwise), {@code STATUS} answers {@code STATE <name>}. The terminal prints every display
 * change as {@code DISP <中文> / <ENGLISH>} and everything else as {@code LOG ...}, never with a
 * full PAN or a PIN.
 */
final class ReferenceTerminal implements Consumer<PhysicalEvent>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReferenceTerminal.class);

    private final BlockingQueue<Input> inputs = new LinkedBlockingQueue<>();
    private final InputStream serialIn;
    private final OutputStream serialOut;
    private final Thread loop;
    private final Thread reader;
    private final ConsoleLink link;
    private volatile boolean closed;

    /**
     * @param serialIn  what the ECR sends to the terminal's serial port
     * @param serialOut where the terminal's serial port writes to
     * @param bankUrl   where the terminal posts its messages (http or https)
     * @param chips     the card on the chip reader or over the antenna
     */
    ReferenceTerminal(Settings settings, InputStream serialIn, OutputStream serialOut, URI bankUrl, ChipReader chips) {
        this(settings, serialIn, serialOut, bankUrl, chips, new Flash());
    }

    /** @param flash the terminal's non-volatile memory */
    ReferenceTerminal(Settings settings, InputStream serialIn, OutputStream serialOut, URI bankUrl, ChipReader chips,
            Flash flash) {
        this(settings, Console.PLAIN, serialIn, serialOut, bankUrl, chips, flash);
    }

    /** @param console how the serial port cuts messages, and which prompts it keeps to the display */
    ReferenceTerminal(Settings settings, Console console, InputStream serialIn, OutputStream serialOut, URI bankUrl,
            ChipReader chips, Flash flash) {
        this(settings, console, serialIn, serialOut,
                new HttpWire(requireNonNull(bankUrl, "bankUrl"), settings.macKeyHex()), chips, flash);
    }

    /** @param wire how the terminal reaches its bank, in its host dialect */
    ReferenceTerminal(Settings settings, InputStream serialIn, OutputStream serialOut, Wire wire, ChipReader chips,
            Flash flash) {
        this(settings, Console.PLAIN, serialIn, serialOut, wire, chips, flash);
    }

    /**
     * @param console how the serial port cuts messages, and which prompts it keeps to the display
     * @param wire    how the terminal reaches its bank, in its host dialect
     */
    ReferenceTerminal(Settings settings, Console console, InputStream serialIn, OutputStream serialOut, Wire wire,
            ChipReader chips, Flash flash) {
        requireNonNull(settings, "settings");
        this.serialIn = requireNonNull(serialIn, "serialIn");
        this.serialOut = requireNonNull(serialOut, "serialOut");
        this.link = console.link(serialOut);
        Firmware firmware = new Firmware(settings, inputs, link, console, requireNonNull(wire, "wire"),
                requireNonNull(chips, "chips"),
                requireNonNull(flash, "flash"));
        this.loop = Thread.ofPlatform().name("terminal-" + settings.terminalId()).daemon().unstarted(firmware::run);
        this.reader = Thread.ofPlatform().name("terminal-" + settings.terminalId() + "-serial").daemon()
                .unstarted(this::readSerial);
        loop.start();
        reader.start();
    }

    /** Queues what the rig did; the firmware reacts on its own thread. */
    @Override
    public void accept(PhysicalEvent event) {
        requireNonNull(event, "event");
        if (!closed) {
            inputs.add(new Input.Physical(event));
        }
    }

    /** The power relay: on boots the firmware, off cuts it wherever it is (the flash keeps what it keeps). */
    void power(boolean on) {
        if (!closed) {
            inputs.add(new Input.Power(on));
        }
    }

    /** Stops the firmware and the serial reader and closes both serial streams. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        inputs.add(new Input.Stop());
        reader.interrupt();
        closeQuietly(serialIn); // unblocks the reader on streams that interrupts do not reach
        try {
            loop.join(1_000);
            if (loop.isAlive()) {
                // blocked writing to a console nobody reads: break the write
                loop.interrupt();
                closeQuietly(serialOut);
                loop.join(2_000);
            }
            reader.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (loop.isAlive()) {
            LOG.warn("the terminal's event loop did not stop");
        }
        closeQuietly(serialOut);
    }

    private void readSerial() {
        try (serialIn) {
            link.read(serialIn, line -> ConsoleCommand.parse(line).ifPresent(command -> inputs.add(new Input.Console(command))));
        } catch (IOException e) {
            if (!closed) {
                LOG.warn("serial console input ended: {}", e.toString());
            }
        }
    }

    private static void closeQuietly(Closeable stream) {
        try {
            stream.close();
        } catch (IOException e) {
            LOG.debug("closing a serial stream: {}", e.toString());
        }
    }
}
