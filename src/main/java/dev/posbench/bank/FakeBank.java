package dev.posbench.bank;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.Notifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.standalone.MappingsSource;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.stubbing.StubMappings;
import dev.posbench.BadInputException;
import dev.posbench.channel.HostDialect;
import dev.posbench.channel.IsoFrames;
import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.MessageMac;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faked bank: WireMock, answering the terminal in its host dialect through a {@link Front}:
 * WireMock itself for json-http, a TCP listener packing ISO 8583 for iso8583-tcp. Loopback unless
 * bank.yaml's {@code listen} opens it to a rig's network.
 *
 * <p>Its normal behaviour (approve, reverse, sign on) is the mappings in {@link BankSpec#baseDir()};
 * a scenario picks a failure path with {@link #answer(String)}, which lays the mappings of one
 * answer file over the base; {@link #reset()} goes back to normal between scenarios. Answer
 * templates go through the {@code iso-answer} transformer (echo fields, approval code, MAC), and
 * the {@code pin-check} matcher lets a mapping tell a right online PIN from a wrong one. See
 * {@link MappingFiles} for the priority and URL rules the mapping files follow.
 *
 * <p>The journal records every exchange in arrival order; a step can wait for a request with
 * {@link #awaitRequest}. Nothing the bank prints carries a full PAN or a PIN block.
 */
public final class FakeBank implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FakeBank.class);
    static final String LISTEN_SETTING = "bench-config/bank.yaml listen";
    /** The reference profile's, for a bank started without a terminal's timers. */
    private static final Duration DEFAULT_HOST_TIMEOUT = Duration.ofMillis(1500);
    /** Picking a free port and binding it are two steps; another program may take it in between. */
    private static final int FREE_PORT_ATTEMPTS = 3;
    /** Enough for a held-back answer (delays sleep on a Jetty thread) plus the reversal that follows it. */
    private static final int CONTAINER_THREADS = 10;
    private static final long STOP_TIMEOUT_MILLIS = 200;

    /**
     * One request the bank received and what it answered.
     *
     * @param at          when the request arrived
     * @param rawRequest  the request body as sent
     * @param request     the request, when it is a message of the dialect
     * @param status      the HTTP status of the answer
     * @param rawResponse the answer body ("" for a fault)
     * @param response    the answer, when it is a message of the dialect
     * @param fault       the WireMock fault the bank answered with instead ({@code CONNECTION_RESET_BY_PEER}, ...)
     * @param delay       how long the bank held the answer back before sending it, so an answer
     *                    that arrived after the terminal's timeout can be told apart
     * @param frame       the request as it came over the wire, in hex with the PAN masked, for a
     *                    dialect that packs messages ({@code iso8583-tcp}); the fields above are its
     *                    decoded form, in the JSON dialect's words
     */
    public record Exchange(Instant at, String rawRequest, Optional<IsoMessage> request, int status,
                           String rawResponse, Optional<IsoMessage> response, Optional<String> fault,
                           Duration delay, Optional<String> frame) {

        public Exchange(Instant at, String rawRequest, Optional<IsoMessage> request, int status,
                        String rawResponse, Optional<IsoMessage> response, Optional<String> fault, Duration delay) {
            this(at, rawRequest, request, status, rawResponse, response, fault, delay, Optional.empty());
        }

        /** Masked: a record's default text would carry the full PAN of the raw bodies. */
        @Override
        public String toString() {
            return "Exchange[" + JournalText.line(this) + "]";
        }
    }

    private final BankSpec spec;
    private final String path;
    private final WireMockServer server;
    private final Journal journal;
    private final Front front;
    /** WireMock's own address, behind the front. */
    private final URI wiremock;
    /** The ports {@link #freePort} picked for this bank, kept from other banks until it closes. */
    private final List<Integer> picked;

    /**
     * Ports this process's banks picked and keep, listening or refusing connections for a
     * scenario: another bench's bank must not take one while it is closed.
     */
    private static final java.util.Set<Integer> PICKED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private FakeBank(BankSpec spec, String path, WireMockServer server, Journal journal, Front front, URI wiremock,
                     List<Integer> picked) {
        this.picked = picked;
        this.spec = spec;
        this.path = path;
        this.server = server;
        this.journal = journal;
        this.front = front;
        this.wiremock = wiremock;
    }

    /** Starts a json-http bank for a terminal with the reference profile's host timeout. */
    public static FakeBank start(BankSpec spec, Map<String, String> issuerPinsByPan) {
        return start(spec, new HostDialect.JsonHttp(), DEFAULT_HOST_TIMEOUT, issuerPinsByPan);
    }

    /**
     * Starts the bank on {@link BankSpec#listenHost()} with its base mappings loaded, speaking the
     * terminal's dialect.
     *
     * @param hostTimeout     the terminal's host timeout, which the mappings' {@code hold} times derive from
     * @param issuerPinsByPan the PIN the issuer holds for each card, for the {@code pin-check} matcher
     * @throws BadInputException when the port is taken, a mapping directory is missing or a mapping
     *                           is wrong, or the dialect's field definition cannot be used
     */
    public static FakeBank start(BankSpec spec, HostDialect dialect, Duration hostTimeout,
                                 Map<String, String> issuerPinsByPan) {
        checkKey(spec.pinKeyHex(), 16, "bench-config/bank.yaml keys.pin");
        checkKey(spec.macKeyHex(), -1, "bench-config/bank.yaml keys.mac");
        checkKey(spec.retailMacKeyHex(), 16, "bench-config/bank.yaml keys.retailMac");
        String path = spec.path().startsWith("/") ? spec.path() : "/" + spec.path();
        List<String> base = new ArrayList<>();
        for (Path file : MappingFiles.jsonFiles(spec.baseDir())) {
            base.addAll(MappingFiles.read(file, MappingFiles.Kind.BASE, path));
        }
        MappingFiles.jsonFiles(spec.answersDir()); // a missing answers directory is a start-up error, not a mid-run one

        if (spec.port() < 0 || spec.port() > 65535) {
            throw new BadInputException(LISTEN_SETTING, "a port is 1 to 65535, or 0 to take a free one; not " + spec.port());
        }
        IsoFrames codec = null;
        if (dialect instanceof HostDialect.Iso8583Tcp(IsoFrames.Layout layout)) {
            try {
                codec = IsoFrames.load(layout);
            } catch (IsoFrames.BadDefinition e) {
                throw new BadInputException(layout.fields().toString(), e.getMessage());
            }
        }
        // json-http: WireMock is what the terminal reaches; iso8583-tcp: WireMock is the bank's own
        // back office on a free loopback port, behind the TCP listener
        boolean httpFront = codec == null;
        String wiremockHost = httpFront ? spec.listenHost() : BankSpec.LOOPBACK;
        // port 0 is resolved here rather than by Jetty: after refuseConnections the bank must
        // listen again on the very port the terminal was given
        boolean pickPort = !httpFront || spec.port() == 0;
        for (int attempt = 1; ; attempt++) {
            int port = pickPort ? freePort(wiremockHost) : spec.port();
            List<Integer> picked = new ArrayList<>(pickPort ? List.of(port) : List.of());
            Journal journal = new Journal();
            WireMockServer server = new WireMockServer(configuration(spec, wiremockHost, port, base, issuerPinsByPan,
                    journal, hostTimeout));
            try {
                server.start();
            } catch (RuntimeException e) {
                stopQuietly(server); // Jetty itself stops the parts of a failed start; this is for a start that failed later
                PICKED.removeAll(picked);
                BindException bind = bindFailure(e).orElseThrow(() -> e);
                if (pickPort && attempt < FREE_PORT_ATTEMPTS) {
                    continue;
                }
                throw new BadInputException(LISTEN_SETTING, "cannot listen on port " + port + " of " + wiremockHost
                        + " (" + bind.getMessage() + "); stop what holds it, or set port 0 to take a free one", e);
            }
            // how the bank reaches its own WireMock: a wildcard address is not one to connect to
            String connectable = wiremockHost.equals("0.0.0.0") || wiremockHost.equals("::") ? BankSpec.LOOPBACK : wiremockHost;
            URI wiremock = URI.create("http://" + connectable + ":" + port + path);
            Front front;
            if (httpFront) {
                front = new HttpFront(server, wiremockHost, port, path);
            } else {
                try {
                    // a port of its own, picked here for the same reason as WireMock's (see freePort)
                    int tcpPort = spec.port() == 0 ? freePort(spec.listenHost()) : spec.port();
                    if (spec.port() == 0) {
                        picked.add(tcpPort);
                    }
                    front = IsoTcpFront.start(codec, spec.listenHost(), tcpPort, wiremock, journal,
                            spec.retailMacKeyHex(), spec.macKeyHex());
                } catch (RuntimeException e) {
                    stopQuietly(server);
                    PICKED.removeAll(picked);
                    throw e;
                }
            }
            FakeBank bank = new FakeBank(spec, path, server, journal, front, wiremock, picked);
            LOG.info("bank listening on {} ({}) with {} base mapping(s)", bank.url(), dialect.name(), base.size());
            bank.warmUp();
            return bank;
        }
    }

    /**
     * Sends the bank one sign-on of its own before any terminal does. A freshly started bank
     * answers its first request slowly (its classes load, its code is not yet compiled): on a busy
     * machine slower than a terminal's host timeout, which would make the first scenario of a run
     * fail for the bench's sake. What the warm-up leaves in the journal and the scenarios is cleared.
     */
    private void warmUp() {
        IsoMessage signOn = MessageMac.sign(new IsoMessage(IsoMessage.SIGN_ON,
                java.util.Map.of(11, "000000", 41, "WARMUP00")), spec.macKeyHex());
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
            http.send(java.net.http.HttpRequest.newBuilder(wiremock).header("Content-Type", "application/json")
                    .timeout(java.time.Duration.ofSeconds(10))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(signOn.toJson())).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
        } catch (java.io.IOException e) {
            LOG.debug("the bank's warm-up request failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.resetScenarios();
        journal.clear();
    }

    /** Where the terminal reaches the bank: {@code http://host:port/path} or {@code tcp://host:port}. */
    public URI url() {
        return front.address();
    }

    /**
     * Back to the bank's normal behaviour: base mappings only, scenarios at their start state,
     * journal empty, listening again if connections were refused. Call once per scenario.
     */
    public synchronized void reset() {
        server.resetAll();
        server.resetScenarios();
        journal.clear();
        acceptConnections();
    }

    /**
     * Lays the mappings of {@code answersDir/<name>.json} over the base mappings; they win over
     * the base (see {@link MappingFiles}). Several answers may be combined.
     *
     * @throws BadInputException when there is no such answer file or it is not a valid mapping
     */
    public synchronized void answer(String name) {
        List<String> available = answers();
        if (!available.contains(name)) {
            throw new BadInputException(spec.answersDir() + "/" + name + ".json",
                    "no such bank answer; available: " + String.join(", ", available));
        }
        Path file = spec.answersDir().resolve(name + ".json");
        for (String mapping : MappingFiles.read(file, MappingFiles.Kind.ANSWER, path)) {
            server.addStubMapping(MappingFiles.stub(mapping));
        }
        LOG.debug("bank answers as {}", file);
    }

    /** The answers a scenario can pick: the names of the files in the answers directory, sorted. */
    public List<String> answers() {
        return MappingFiles.jsonFiles(spec.answersDir()).stream()
                .map(p -> p.getFileName().toString().replaceFirst("\\.json$", ""))
                .sorted()
                .toList();
    }

    /** The bank stops listening: a connection attempt is refused, as when the host is down. */
    public void refuseConnections() {
        front.refuseConnections();
    }

    /** The bank listens again, on the same port. */
    public void acceptConnections() {
        front.acceptConnections();
    }

    /** Every exchange since the last {@link #reset()}, in arrival order. */
    public List<Exchange> journal() {
        return journal.exchanges();
    }

    /** The authorization with this STAN, the last one of the whole run (resets do not forget it). */
    public Optional<IsoMessage> authorization(String stan) {
        return journal.authorization(stan);
    }

    /** The requests of one message type (e.g. {@link IsoMessage#REVERSAL}) since the last reset, in arrival order. */
    public List<IsoMessage> requests(String mti) {
        return journal.exchanges().stream()
                .flatMap(e -> e.request().stream())
                .filter(m -> m.mti().equals(mti))
                .toList();
    }

    /**
     * The first exchange since the last reset whose request satisfies {@code p}; waits for one to
     * arrive when there is none yet. The exchange is recorded when the bank has decided its
     * answer, before any delay, so this returns while a held-back answer is still pending.
     *
     * @param expected what is awaited, in words, for the failure message ("a reversal (0400)")
     * @throws AssertionError naming {@code expected} and listing what the bank did receive (masked)
     */
    public Exchange awaitRequest(Predicate<IsoMessage> p, Duration timeout, String expected) {
        return journal.await(p, 1, timeout, expected).getFirst();
    }

    /** Like {@link #awaitRequest}, until {@code count} such requests have arrived; returns the first {@code count}. */
    public List<Exchange> awaitRequests(Predicate<IsoMessage> p, int count, Duration timeout, String expected) {
        return journal.await(p, count, timeout, expected);
    }

    /** The journal for a report: one block per exchange, PANs masked, PIN blocks hidden. */
    /** Every wait on the journal, in progress or to come, ends at once with {@code why}: the run is stopping. */
    public void halt(String why) {
        journal.halt(why);
    }

    public String renderJournal() {
        return JournalText.render(journal.exchanges());
    }

    @Override
    public synchronized void close() {
        front.close();
        stopQuietly(server);
        PICKED.removeAll(picked);
    }

    private static WireMockConfiguration configuration(BankSpec spec, String host, int port, List<String> base,
                                                       Map<String, String> issuerPinsByPan, Journal journal,
                                                       Duration hostTimeout) {
        Path root = spec.baseDir().toAbsolutePath().getParent();
        return options()
                .bindAddress(host)
                .port(port)
                // a host of this dialect speaks HTTP/1.1: no h2c upgrade, so faults look the same to every client
                .http2PlainDisabled(true)
                .jettyAcceptors(1)
                .containerThreads(CONTAINER_THREADS)
                // delays sleep on the Jetty thread: WireMock's asynchronous responder does not survive a stop and start
                .asynchronousResponseEnabled(false)
                // refusing connections abandons answers still held back; no graceful wait for them
                .jettyStopTimeout(STOP_TIMEOUT_MILLIS)
                .gzipDisabled(true)
                .stubRequestLoggingDisabled(true)
                .maxRequestJournalEntries(1000)
                .notifier(new MaskingNotifier())
                .usingFilesUnderDirectory(root.toString()) // bodyFileName resolves under bench-config/bank/__files
                .mappingSource(new BaseMappings(base))
                .extensionScanningEnabled(false)
                .extensions(new IsoAnswer(spec.macKeyHex(), hostTimeout), new PinCheck(spec.pinKeyHex(), issuerPinsByPan), journal);
    }

    private static void checkKey(String hex, int bytes, String where) {
        byte[] key;
        try {
            key = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(where, "the key must be hexadecimal digits");
        }
        if (key.length == 0 || (bytes > 0 && key.length != bytes)) {
            throw new BadInputException(where, bytes > 0
                    ? "the key must be " + bytes + " bytes (" + 2 * bytes + " hex digits)"
                    : "the key must not be empty");
        }
    }

    /**
     * A free port for a bank that may have to listen on it again after refusing connections
     * (HC-02). Taken below the kernel's ephemeral range on purpose: a port from that range, once
     * let go, is soon handed to someone else's port-0 socket or outgoing connection (another bench's
     * bank or world socket), and the bank could not listen on it again. The port stays reserved in
     * this process ({@link #PICKED}) until the bank that asked for it closes.
     */
    static int freePort(String host) {
        int below = ephemeralLow();
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = random.nextInt(Math.min(10_000, below - 1025), below);
            if (!PICKED.add(port)) {
                continue; // another bank of this process has it, perhaps refusing connections for a scenario
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new java.net.InetSocketAddress(InetAddress.getByName(host), port), 1);
                return port;
            } catch (IOException e) {
                PICKED.remove(port);
                last = e;
            }
        }
        throw new BadInputException(LISTEN_SETTING, "no free port on " + host + " below " + below + ": "
                + (last == null ? "" : last.getMessage()), last);
    }

    /** The first port of the kernel's ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range). */
    private static int ephemeralLow() {
        try {
            String[] range = java.nio.file.Files.readString(
                    java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip().split("\\s+");
            int low = Integer.parseInt(range[0]);
            return low > 11_000 ? low : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768; // Linux's default
        }
    }

    static Optional<BindException> bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException bind) {
                return Optional.of(bind);
            }
        }
        return Optional.empty();
    }

    private static void stopQuietly(WireMockServer server) {
        try {
            if (server.isRunning()) {
                server.stop();
            }
        } catch (Exception e) { // Jetty rethrows checked exceptions as they are, undeclared
            LOG.debug("stopping the bank's WireMock failed", e);
        }
    }

    /**
     * The base mappings as WireMock's "default mappings": loaded at start and again by
     * {@code resetAll()}. Each load builds fresh stubs from the checked JSON. The bank never
     * writes its configuration back, so the save side does nothing.
     */
    private record BaseMappings(List<String> mappings) implements MappingsSource {
        @Override
        public void loadMappingsInto(StubMappings stubMappings) {
            for (String mapping : mappings) {
                stubMappings.addMapping(MappingFiles.stub(mapping));
            }
        }

        @Override
        public void save(List<StubMapping> stubMappings) {}

        @Override
        public void save(StubMapping stubMapping) {}

        @Override
        public void remove(StubMapping stubMapping) {}

        @Override
        public void removeAll() {}
    }

    /** WireMock's messages go to slf4j, masked: an unmatched-request report quotes the whole body. */
    private static final class MaskingNotifier implements Notifier {
        private static final Logger WIREMOCK = LoggerFactory.getLogger(FakeBank.class.getName() + ".wiremock");

        @Override
        public void info(String message) {
            WIREMOCK.debug(Redact.text(message));
        }

        @Override
        public void error(String message) {
            WIREMOCK.warn(Redact.text(message));
        }

        @Override
        public void error(String message, Throwable t) {
            WIREMOCK.warn(Redact.text(message) + ": " + Redact.text(String.valueOf(t)));
        }
    }
}
