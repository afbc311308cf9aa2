package dev.posbench.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated rig's serial cable: two pseudo-terminals joined back to back, so that both ends
 * are device paths. The bench opens {@link #benchDevice()} with jSerialComm exactly as it opens
 * {@code /dev/ttyUSB0} on a rig; the terminal program opens {@link #terminalDevice()} as it opens
 * its own UART. Two pumps carry the bytes across.
 *
 * <p>While the terminal is unpowered the bench's bytes fall on the floor, as on a wire to a device
 * that is off; when it powers up, its end starts empty.
 */
public final class NullModem implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NullModem.class);

    private final PseudoTerminal benchSide;
    private final PseudoTerminal terminalSide;
    private final Thread toTerminal;
    private final Thread toBench;
    private volatile boolean terminalPowered;

    private NullModem(PseudoTerminal benchSide, PseudoTerminal terminalSide) {
        this.benchSide = benchSide;
        this.terminalSide = terminalSide;
        // platform threads: a pty read waits in native poll(2), which would pin a virtual thread's carrier
        toTerminal = Thread.ofPlatform().name("cable-to-terminal").daemon()
                .start(() -> pump(benchSide.terminalIn(), terminalSide.terminalOut(), true));
        toBench = Thread.ofPlatform().name("cable-to-bench").daemon()
                .start(() -> pump(terminalSide.terminalIn(), benchSide.terminalOut(), false));
    }

    public static NullModem open() {
        PseudoTerminal bench = PseudoTerminal.open();
        try {
            return new NullModem(bench, PseudoTerminal.open());
        } catch (RuntimeException e) {
            bench.close();
            throw e;
        }
    }

    /** The end the bench opens. */
    public Path benchDevice() {
        return benchSide.devicePath();
    }

    /** The end the terminal program opens. */
    public Path terminalDevice() {
        return terminalSide.devicePath();
    }

    /** The terminal's power: off drops what the bench sends; on starts the terminal's end empty. */
    public void terminalPowered(boolean on) {
        if (on) {
            terminalSide.discardUnread();
        }
        terminalPowered = on;
    }

    private void pump(InputStream from, OutputStream to, boolean gated) {
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = from.read(buf)) >= 0) {
                if (!gated || terminalPowered) {
                    to.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            LOG.debug("serial cable pump ended: {}", e.toString());
        }
    }

    @Override
    public void close() {
        benchSide.close();
        terminalSide.close();
        try {
            toTerminal.join(1_000);
            toBench.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "NullModem[" + benchDevice() + " <-> " + terminalDevice() + "]";
    }
}
