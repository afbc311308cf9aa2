package dev.posbench.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.channel.FrameFormat;
import dev.posbench.sim.PseudoTerminal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A framed ECR link over a real pseudo-terminal: the test plays the terminal on the other end with
 * frames built by hand, and the bench's link answers, repeats and decodes as the protocol says.
 */
class FramedLinkTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");
    /** Concert-style: STX message ETX LRC, ACK/NAK within 300 ms, two repeats. */
    private static final FrameFormat CONCERT = FrameFormat.parse(k -> Optional.ofNullable(
            Map.of("start", "02", "end", "03", "check", "lrc", "ackTimeout", "300ms", "retries", "2").get(k)));
    private static final TerminalProfile.Serial SERIAL = new TerminalProfile.Serial(9600, 8, TerminalProfile.Parity.NONE,
            1, StandardCharsets.UTF_8, new TerminalProfile.Link.Frames(CONCERT), Optional.empty());

    /** "DISP APPROVED" framed by hand: LRC = XOR of the text and ETX = 0x26. */
    private static final byte[] APPROVED_FRAME = HEX.parseHex("02 44 49 53 50 20 41 50 50 52 4f 56 45 44 03 26");

    @Test
    void aGoodFrameIsAcknowledgedAndItsTextIsTheMessage() throws Exception {
        byte[] check = HEX.parseHex("26");
        assertEquals(check[0], CONCERT.encode("DISP APPROVED".getBytes(StandardCharsets.US_ASCII))[15],
                "the hand-built LRC");
        try (PseudoTerminal pty = PseudoTerminal.open();
                SerialLink link = SerialLink.open(pty.devicePath().toString(), SERIAL)) {
            Transcript t = link.transcript();
            Cursor c = t.cursorAtEnd();
            // split in the middle of the text and between ETX and LRC
            pty.terminalOut().write(Arrays.copyOfRange(APPROVED_FRAME, 0, 6));
            pty.terminalOut().flush();
            pty.terminalOut().write(Arrays.copyOfRange(APPROVED_FRAME, 6, 15));
            pty.terminalOut().flush();
            pty.terminalOut().write(Arrays.copyOfRange(APPROVED_FRAME, 15, 16));
            pty.terminalOut().flush();
            assertEquals("DISP APPROVED", t.await(c, Pattern.compile("^DISP APPROVED$"), WAIT, "APPROVED").text());
            assertEquals(FrameFormat.ACK, readByte(pty.terminalIn()));
            String r = t.render(Transcript.Mark.START);
            assertTrue(r.contains("<- DISP APPROVED  | raw [02]DISP APPROVED[03 26]"), r);
            assertTrue(r.contains("-> ACK"), r);
        }
    }

    @Test
    void aCorruptFrameIsRefusedWithNakAndNeverBecomesAMessage() throws Exception {
        try (PseudoTerminal pty = PseudoTerminal.open();
                SerialLink link = SerialLink.open(pty.devicePath().toString(), SERIAL)) {
            byte[] bad = APPROVED_FRAME.clone();
            bad[bad.length - 1] = 0x27;
            pty.terminalOut().write(bad);
            pty.terminalOut().flush();
            assertEquals(FrameFormat.NAK, readByte(pty.terminalIn()));
            // the terminal repeats it, right this time
            pty.terminalOut().write(APPROVED_FRAME);
            pty.terminalOut().flush();
            assertEquals(FrameFormat.ACK, readByte(pty.terminalIn()));
            Transcript t = link.transcript();
            t.awaitLast(Pattern.compile("APPROVED"), WAIT, "APPROVED");
            assertEquals(1, t.linesSince(Transcript.Mark.START).size(), "only the good copy is a message");
            assertTrue(t.render(Transcript.Mark.START).contains("refused [02]DISP APPROVED[03 27] (LRC 27, expected 26)"),
                    t.render(Transcript.Mark.START));
        }
    }

    @Test
    void aCommandNakedOnceIsSentAgainAndTheSendEndsAtTheAck() throws Exception {
        try (PseudoTerminal pty = PseudoTerminal.open();
                SerialLink link = SerialLink.open(pty.devicePath().toString(), SERIAL)) {
            byte[] sale = CONCERT.encode("SALE 1200".getBytes(StandardCharsets.US_ASCII));
            CompletableFuture<Void> terminal = CompletableFuture.runAsync(() -> {
                try {
                    assertEquals(HEX.formatHex(sale), HEX.formatHex(pty.terminalIn().readNBytes(sale.length)));
                    pty.terminalOut().write(FrameFormat.NAK);
                    pty.terminalOut().flush();
                    assertEquals(HEX.formatHex(sale), HEX.formatHex(pty.terminalIn().readNBytes(sale.length)));
                    pty.terminalOut().write(FrameFormat.ACK);
                    pty.terminalOut().flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            link.send("SALE 1200");
            terminal.get();
            long sends = link.transcript().chunksSince(Transcript.Mark.START).stream()
                    .filter(ch -> ch.direction() == Transcript.Direction.TO_TERMINAL).count();
            assertEquals(2, sends, "the NAKed frame and its repeat");
            String r = link.transcript().render(Transcript.Mark.START);
            assertTrue(r.indexOf("<- NAK") < r.lastIndexOf("-> [02]SALE 1200[03") && r.contains("<- ACK"), r);
        }
    }

    @Test
    void aCommandNeverAcknowledgedFailsNamingEveryAttempt() throws Exception {
        try (PseudoTerminal pty = PseudoTerminal.open();
                SerialLink link = SerialLink.open(pty.devicePath().toString(), SERIAL)) {
            long start = System.nanoTime();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> link.send("SALE 1200"));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(e.getMessage().contains("did not acknowledge the command [02]SALE 1200[03")
                    && e.getMessage().contains("(no answer within 300 ms, no answer within 300 ms, no answer within 300 ms)"),
                    e.getMessage());
            assertTrue(ms >= 900, "three attempts of 300 ms, not " + ms + " ms");
            byte[] wire = pty.terminalIn().readNBytes(3 * 12);
            assertFalse(Arrays.equals(new byte[36], wire), "three frames crossed the wire");
        }
    }

    private static byte readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("the link closed");
        }
        return (byte) b;
    }
}
