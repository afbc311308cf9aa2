package dev.posbench.terminal;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortDataListener;
import com.fazecast.jSerialComm.SerialPortEvent;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import dev.posbench.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bench's end of the terminal's serial line, opened with jSerialComm: a USB-serial adapter on
 * a rig, the slave of a pseudo-terminal in the simulator; the code is the same. Everything the
 * terminal sends lands in {@link #transcript()}, with the time it arrived.
 *
 * <p>Reading uses jSerialComm's data listener rather than a thread of our own: the library's event
 * thread already sits in poll(2) on the descriptor, so bytes are timestamped the moment they are
 * read, without the 100 ms granularity of a semi-blocking read's VTIME. The listener also asks for
 * PORT_DISCONNECTED and closes the port in that callback: after a hang-up (adapter unplugged, pty
 * closed) poll returns at once forever, and without the close the event thread spins a core.
 */
public final class SerialLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SerialLink.class);

    /** Linux errno values jSerialComm reports when the user may not open the device. */
    private static final int EPERM = 1;
    private static final int EACCES = 13;
    /** ... and when the path is not a terminal device at all. */
    private static final int EISDIR = 21;
    private static final int ENOTTY = 25;
    /** Generous: a write only waits for the kernel's buffer, which drains at line speed. */
    private static final int WRITE_TIMEOUT_MS = 5_000;

    private final String device;
    private final SerialPort port;
    private final Transcript transcript;
    private final Charset charset;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The device went away under the link (an adapter unplugged): the bench may open it again. */
    private volatile boolean vanished;

    private SerialLink(String device, SerialPort port, Transcript transcript, Charset charset) {
        this.device = device;
        this.port = port;
        this.transcript = transcript;
        this.charset = charset;
    }

    /**
     * Opens {@code device} with the profile's line settings and starts recording.
     *
     * @throws BadInputException naming the device when it does not exist, or when it cannot be
     *                           opened (another program holds it; jSerialComm locks a port exclusively)
     */
    public static SerialLink open(String device, TerminalProfile.Serial settings) {
        if (device == null || device.isBlank() || device.indexOf('\0') >= 0 || !Files.exists(Path.of(device))) {
            throw new BadInputException(String.valueOf(device),
                    "no such serial device (is the terminal's serial adapter plugged in, and is this the path in the rig config?)");
        }
        SerialPort port;
        try {
            port = SerialPort.getCommPort(device);
        } catch (SerialPortInvalidPortException e) {
            throw new BadInputException(device, "not a serial device jSerialComm can use: " + e.getMessage(), e);
        }
        port.setComPortParameters(settings.baud(), settings.dataBits(), stopBits(settings.stopBits()),
                parity(settings.parity()));
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        port.setComPortTimeouts(SerialPort.TIMEOUT_WRITE_BLOCKING, 0, WRITE_TIMEOUT_MS);

        // On a pty openPort succeeds yet leaves errno 25 (ENOTTY: a pty has no serial_struct
        // or modem lines), so the error code is only read when the open itself failed.
        if (!port.openPort()) {
            int code = port.getLastErrorCode();
            String where = " (jSerialComm error " + code + " at native line " + port.getLastErrorLocation() + ")";
            if (code == ENOTTY || code == EISDIR) {
                throw new BadInputException(device, "not a serial port: it cannot take line settings" + where);
            }
            if (code == EACCES || code == EPERM) {
                throw new BadInputException(device,
                        "permission denied: the user running posbench may not open it (on Linux, join the dialout group)" + where);
            }
            throw new BadInputException(device,
                    "busy: another program has it open (a terminal console, another posbench run), or this run opened it already; close it and retry" + where);
        }

        Transcript transcript = new Transcript(settings.charset());
        SerialLink link = new SerialLink(device, port, transcript, settings.charset());
        if (!port.addDataListener(link.new Listener())) {
            port.closePort();
            throw new IllegalStateException(device + ": jSerialComm refused the data listener");
        }
        LOG.info("serial link {} open at {} {}{}{} {}", device, settings.baud(), settings.dataBits(),
                settings.parity().name().charAt(0), settings.stopBits(), settings.charset().name());
        return link;
    }

    public String device() {
        return device;
    }

    /** Everything that crossed this link so far, and the place to wait for the terminal's lines. */
    public Transcript transcript() {
        return transcript;
    }

    /**
     * Writes all of {@code bytes} to the terminal, recorded in the transcript as
     * {@link Transcript.Direction#TO_TERMINAL}.
     *
     * @throws UncheckedIOException naming the device when the port is closed or the write fails
     */
    public synchronized void send(byte[] bytes) {
        if (closed.get() || !port.isOpen()) {
            throw new UncheckedIOException(new IOException(device + ": cannot send, the serial link is closed"));
        }
        transcript.sent(Instant.now(), bytes);
        int done = 0;
        while (done < bytes.length) {
            int n = port.writeBytes(bytes, bytes.length - done, done);
            if (n <= 0) {
                throw new UncheckedIOException(new IOException(device + ": write failed after " + done + " of "
                        + bytes.length + " bytes (jSerialComm error " + port.getLastErrorCode() + ")"));
            }
            done += n;
        }
    }

    /** {@link #send(byte[])} of {@code text} in the profile's charset. */
    public void send(String text) {
        send(text.getBytes(charset));
    }

    /** Whether the device went away under the link: it is closed, and only a new open can bring it back. */
    public boolean vanished() {
        return vanished;
    }

    /**
     * Waits for {@code device} to exist again (an adapter plugged back in shows up as a new device
     * node; udev's by-id links come back with it), on file events of its folder.
     *
     * @return whether it exists within {@code wait}
     */
    public static boolean awaitDevice(String device, Duration wait) {
        Path path = Path.of(device);
        long deadline = System.nanoTime() + wait.toNanos();
        Path dir = path.toAbsolutePath().getParent();
        try (java.nio.file.WatchService watch = dir.getFileSystem().newWatchService()) {
            dir.register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
            while (!Files.exists(path)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.nio.file.WatchKey key = watch.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
            return true;
        } catch (IOException e) {
            return Files.exists(path);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Idempotent. Takes up to half a second: jSerialComm lets its event thread finish its current poll. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            port.removeDataListener();
            port.closePort();
            transcript.end("closed by the bench");
            LOG.info("serial link {} closed", device);
        }
    }

    @Override
    public String toString() {
        return "SerialLink[" + device + (closed.get() ? ", closed]" : "]");
    }

    private static int stopBits(int stopBits) {
        return switch (stopBits) {
            case 1 -> SerialPort.ONE_STOP_BIT;
            case 2 -> SerialPort.TWO_STOP_BITS;
            default -> throw new IllegalArgumentException("stop bits must be 1 or 2, not " + stopBits);
        };
    }

    private static int parity(TerminalProfile.Parity parity) {
        return switch (parity) {
            case NONE -> SerialPort.NO_PARITY;
            case EVEN -> SerialPort.EVEN_PARITY;
            case ODD -> SerialPort.ODD_PARITY;
        };
    }

    private final class Listener implements SerialPortDataListener {

        @Override
        public int getListeningEvents() {
            return SerialPort.LISTENING_EVENT_DATA_RECEIVED | SerialPort.LISTENING_EVENT_PORT_DISCONNECTED;
        }

        @Override
        public void serialEvent(SerialPortEvent event) {
            int type = event.getEventType();
            if ((type & SerialPort.LISTENING_EVENT_DATA_RECEIVED) != 0) {
                byte[] data = event.getReceivedData();
                if (data != null) {
                    transcript.received(Instant.now(), data);
                }
            }
            if ((type & SerialPort.LISTENING_EVENT_PORT_DISCONNECTED) != 0) {
                // Close here, on the event thread: see the class comment.
                LOG.warn("serial link {}: the device went away", device);
                vanished = true;
                closed.set(true);
                port.closePort();
                transcript.end("the device went away");
            }
        }
    }
}
