package dev.posbench.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.channel.HostDialect;
import dev.posbench.channel.IsoFrames;
import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.PinBlock;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bank in the iso8583-tcp dialect, over real TCP connections: the same mappings as json-http,
 * its faults as a socket shows them, and broken frames that never bring it down.
 */
class IsoTcpFrontTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final String RETAIL_MAC_KEY = "0123456789ABCDEFFEDCBA9876543210";
    private static final IsoFrames.Layout LAYOUT = new IsoFrames.Layout(IsoFrames.LengthHeader.BINARY2,
            HEX.parseHex("6000030000"), HEX.parseHex("603100000000"), IsoFrames.Encoding.BCD,
            IsoFrames.Encoding.BINARY, IsoFrames.Encoding.BCD, Path.of("bench-config/iso8583/unionpay-style.xml"));
    private static final IsoFrames CODEC = IsoFrames.load(LAYOUT);
    private static final Duration WAIT = Duration.ofSeconds(3);

    static FakeBank bank;
    static InetSocketAddress address;
    int stan = 100;

    @BeforeAll
    static void startBank() {
        BankSpec spec = new BankSpec(0, "/iso8583", FakeBankTest.PIN_KEY, FakeBankTest.MAC_KEY, FakeBankTest.BASE,
                FakeBankTest.ANSWERS, BankSpec.LOOPBACK, RETAIL_MAC_KEY);
        bank = FakeBank.start(spec, new HostDialect.Iso8583Tcp(LAYOUT), Duration.ofMillis(1500),
                Map.of(FakeBankTest.PAN, FakeBankTest.PIN));
        assertEquals("tcp", bank.url().getScheme());
        address = new InetSocketAddress(bank.url().getHost(), bank.url().getPort());
    }

    @AfterAll
    static void stopBank() {
        bank.close();
    }

    @BeforeEach
    void fresh() {
        bank.reset();
    }

    private IsoMessage authorization(String pin) {
        Map<Integer, String> f = new TreeMap<>(Map.of(2, FakeBankTest.PAN, 3, "000000", 4, "000000006600",
                11, "%06d".formatted(++stan), 41, "PB000001", 42, "898440153110001", 49, "156"));
        f.put(52, PinBlock.encrypt(pin, FakeBankTest.PAN, FakeBankTest.PIN_KEY));
        return new IsoMessage("0100", f);
    }

    private static byte[] signedFrame(IsoMessage m) {
        return CODEC.frame(CODEC.signed(CODEC.pack(LAYOUT.prefix(), IsoFrames.withMacPlaceholder(m)), RETAIL_MAC_KEY));
    }

    /** Sends bytes on a connection of their own and reads one answer frame. */
    private static byte[] exchange(byte[] frame) throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(frame);
            return CODEC.read(new BufferedInputStream(s.getInputStream()));
        }
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(address, 2000);
        s.setSoTimeout(5000);
        return s;
    }

    @Test
    void anAuthorizationIsAnsweredByTheMappingsInTheTerminalsFrame() throws Exception {
        IsoMessage request = authorization(FakeBankTest.PIN);
        byte[] answer = exchange(signedFrame(request));

        IsoFrames.Unpacked unpacked = CODEC.unpack(answer);
        assertEquals("6000000003603100000000", HEX.formatHex(unpacked.prefix()), "TPDU addresses swapped, header kept");
        IsoMessage m = unpacked.message();
        assertEquals("0110", m.mti());
        assertEquals("00", m.field(39).orElseThrow());
        assertEquals(request.field(11), m.field(11));
        assertTrue(CODEC.macValid(answer, m, RETAIL_MAC_KEY), "the answer carries a right retail MAC");

        FakeBank.Exchange e = bank.awaitRequest(r -> r.mti().equals("0100"), WAIT, "the authorization");
        assertEquals(request.field(4), e.request().orElseThrow().field(4), "decoded into the mappings' fields");
        String frame = e.frame().orElseThrow();
        assertTrue(frame.startsWith("00"), frame);
        assertFalse(frame.contains(HEX.formatHex(FakeBankTest.PAN.getBytes())), "the frame shows no full PAN: " + frame);
        assertFalse(frame.contains(request.field(52).orElseThrow()), "nor the PIN block");
        assertFalse(bank.renderJournal().contains(FakeBankTest.PAN));
    }

    @Test
    void theMappingsSeeTheSamePinBlock() throws Exception {
        bank.answer("pin-try-counter");
        assertEquals("55", CODEC.unpack(exchange(signedFrame(authorization("1111")))).message().field(39).orElseThrow());
        assertEquals("00", CODEC.unpack(exchange(signedFrame(authorization(FakeBankTest.PIN)))).message().field(39).orElseThrow());
    }

    @Test
    void aWrongRequestMacIsAnsweredA0AndJournaled() throws Exception {
        byte[] frame = signedFrame(authorization(FakeBankTest.PIN));
        frame[frame.length - 1] ^= 0x01;
        IsoMessage answer = CODEC.unpack(exchange(frame)).message();
        assertEquals("A0", answer.field(39).orElseThrow());
        FakeBank.Exchange e = bank.awaitRequest(r -> r.mti().equals("0100"), WAIT, "the authorization");
        assertEquals("A0", e.response().flatMap(r -> r.field(39)).orElseThrow());
    }

    @Test
    void aBadMacMappingGivesAWrongRetailMac() throws Exception {
        bank.answer("bad-mac");
        byte[] answer = exchange(signedFrame(authorization(FakeBankTest.PIN)));
        IsoMessage m = CODEC.unpack(answer).message();
        assertEquals("00", m.field(39).orElseThrow());
        assertFalse(CODEC.macValid(answer, m, RETAIL_MAC_KEY));
    }

    @Test
    void aResetIsATcpReset() throws Exception {
        bank.answer("reset");
        try (Socket s = connect()) {
            s.getOutputStream().write(signedFrame(authorization(FakeBankTest.PIN)));
            InputStream in = s.getInputStream();
            IOException e = assertThrows(IOException.class, () -> {
                if (in.read() < 0) {
                    throw new java.io.EOFException("closed without a reset");
                }
            });
            assertTrue(e instanceof SocketException && e.getMessage().contains("reset"), e.toString());
        }
    }

    @Test
    void aMalformedAnswerIsAFrameThatDoesNotUnpack() throws Exception {
        bank.answer("malformed");
        byte[] answer = exchange(signedFrame(authorization(FakeBankTest.PIN)));
        assertThrows(IsoMessage.MalformedMessageException.class, () -> CODEC.unpack(answer));
    }

    @Test
    void brokenFramesAreJournaledAndNeverStopTheBank() throws Exception {
        // garbage in a well-formed length: dropped, no answer, and the connection reads on
        try (Socket s = connect()) {
            s.getOutputStream().write(CODEC.frame("GARBAGE, NOT A MESSAGE".getBytes()));
            byte[] good = signedFrame(authorization(FakeBankTest.PIN));
            s.getOutputStream().write(good);
            IsoMessage answer = CODEC.unpack(CODEC.read(new BufferedInputStream(s.getInputStream()))).message();
            assertEquals("0110", answer.mti(), "the message after the garbage is answered");
        }
        // bad bitmap: field 5 is not in the table
        byte[] badBitmap = signedFrame(authorization(FakeBankTest.PIN));
        badBitmap[2 + 11 + 2] |= 0x08;
        // wrong length: one byte more than the fields take
        byte[] body = CODEC.signed(CODEC.pack(LAYOUT.prefix(), IsoFrames.withMacPlaceholder(authorization(FakeBankTest.PIN))),
                RETAIL_MAC_KEY);
        byte[] longer = CODEC.frame(java.util.Arrays.copyOf(body, body.length + 1));
        for (byte[] dropped : new byte[][] {badBitmap, longer}) {
            try (Socket s = connect()) {
                s.getOutputStream().write(dropped);
                s.shutdownOutput();
                assertEquals(-1, s.getInputStream().read(), "no answer to a frame that does not unpack");
            }
        }
        // short: the length says more than comes before the terminal hangs up
        try (Socket s = connect()) {
            s.getOutputStream().write(HEX.parseHex("00406000030000"));
            s.shutdownOutput();
            assertEquals(-1, s.getInputStream().read());
        }
        // a length header beyond any message: the framing is lost, the connection closed
        try (Socket s = connect()) {
            s.getOutputStream().write(HEX.parseHex("FFFF0102"));
            assertEquals(-1, s.getInputStream().read());
        }
        long journaled = bank.journal().stream().filter(e -> e.request().isEmpty() && e.fault().isPresent()).count();
        assertEquals(5, journaled, bank.renderJournal());
        assertEquals("00", CODEC.unpack(exchange(signedFrame(authorization(FakeBankTest.PIN)))).message().field(39).orElseThrow(),
                "the bank still answers");
    }

    @Test
    void refusingConnectionsClosesThePort() throws Exception {
        bank.refuseConnections();
        try {
            assertThrows(ConnectException.class, IsoTcpFrontTest::connect);
        } finally {
            bank.acceptConnections();
        }
        assertEquals("00", CODEC.unpack(exchange(signedFrame(authorization(FakeBankTest.PIN)))).message().field(39).orElseThrow());
    }
}
