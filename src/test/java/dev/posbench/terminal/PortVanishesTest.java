package dev.posbench.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.RigFaultException;
import dev.posbench.sim.PseudoTerminal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminal's serial adapter unplugged mid-run: a wait in progress ends at once as a rig fault
 * (no verdict on the terminal), and the device, named by a stable link as udev's
 * /dev/serial/by-id names are, can be opened again when it comes back, or is reported gone.
 */
class PortVanishesTest {

    private static final TerminalProfile.Serial LINE =
            new TerminalProfile.Serial(115200, 8, TerminalProfile.Parity.NONE, 1, StandardCharsets.UTF_8);

    @Test
    void aWaitEndsAsARigFaultAndTheDeviceOpensAgainWhenItComesBack(@TempDir Path dir) throws Exception {
        Path byId = dir.resolve("usb-terminal-if00");
        PseudoTerminal first = PseudoTerminal.open();
        Files.createSymbolicLink(byId, first.devicePath());
        SerialLink link = SerialLink.open(byId.toString(), LINE);
        PseudoTerminal second = null;
        try {
            Cursor c = link.transcript().cursorAtEnd();
            first.close(); // unplugged
            RigFaultException fault = assertThrows(RigFaultException.class,
                    () -> link.transcript().await(c, Pattern.compile("APPROVED"), Duration.ofSeconds(30), "APPROVED"));
            assertTrue(fault.getMessage().contains("rig fault") && fault.getMessage().contains("went away"),
                    fault.getMessage());
            assertTrue(link.vanished(), "the link knows its device went away");
            assertFalse(Files.exists(byId), "the stable name dangles while the adapter is out");

            // plugged back in: the device comes back under the same stable name, as udev makes it
            second = PseudoTerminal.open();
            Path fresh = dir.resolve(".fresh");
            Files.createSymbolicLink(fresh, second.devicePath());
            Files.move(fresh, byId, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertTrue(SerialLink.awaitDevice(byId.toString(), Duration.ofSeconds(5)));
            try (SerialLink again = SerialLink.open(byId.toString(), LINE)) {
                Cursor d = again.transcript().cursorAtEnd();
                second.terminalOut().write("APPROVED 00\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("APPROVED 00",
                        again.transcript().await(d, Pattern.compile("APPROVED"), Duration.ofSeconds(5), "APPROVED").text());
            }
        } finally {
            link.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void aDeviceThatDoesNotComeBackIsReportedGone(@TempDir Path dir) {
        long start = System.nanoTime();
        assertFalse(SerialLink.awaitDevice(dir.resolve("ttyUSB-gone").toString(), Duration.ofMillis(300)));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos(), "it waited the time it was given");
    }
}
