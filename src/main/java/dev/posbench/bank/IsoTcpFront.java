package dev.posbench.bank;

import dev.posbench.BadInputException;
import dev.posbench.bank.FakeBank.Exchange;
import dev.posbench.channel.IsoFrames;
import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.MessageMac;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code iso8583-tcp} dialect: a TCP listener that reads the terminal's ISO 8583 frames,
 * asks WireMock (over HTTP on loopback, in the JSON dialect the mappings match) for the answer, and
 * packs that answer back into the terminal's frame. What WireMock does to an HTTP answer happens to
 * the TCP answer: a delay holds it, a reset fault resets the terminal's connection (RST), a body
 * that is not a message goes out as bytes that do not unpack, no answer stays silent.
 *
 * <p>The retail MAC of this dialect and the HMAC of the JSON one stand for each other: a request
 * whose retail MAC is right reaches WireMock with a right HMAC; a WireMock answer whose HMAC is
 * right is signed with the retail MAC, a wrong one gets a wrong retail MAC, none gets none. A
 * request whose retail MAC is wrong never reaches WireMock: it is answered A0, as a host does.
 *
 * <p>A frame that does not unpack is journaled and dropped, and the connection read on; a frame
 * whose length header is broken is journaled and the connection closed, since its framing is lost.
 */
final class IsoTcpFront implements Front {

    /** The request frame, masked hex, from the front to the journal through WireMock. */
    static final String FRAME_HEADER = "X-Posbench-Frame";

    private static final Logger LOG = LoggerFactory.getLogger(IsoTcpFront.class);
    private static final int BACKLOG = 64;

    private final IsoFrames codec;
    private final String host;
    private final int port;
    private final URI wiremock;
    private final Journal journal;
    private final String retailMacKeyHex;
    private final String hmacKeyHex;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** Each connection the bank serves, and the thread serving it. */
    private final Map<Socket, Thread> connections = new ConcurrentHashMap<>();
    /**
     * How long refusing connections waits for the accepting thread and each connection's thread to
     * leave their sockets (on a loaded machine they may not run at once).
     */
    private static final Duration CONNECTION_END = Duration.ofSeconds(2);
    private ServerSocket listener;
    /** The thread accepting on {@link #listener}. */
    private Thread acceptor;

    private IsoTcpFront(IsoFrames codec, String host, int port, URI wiremock, Journal journal, String retailMacKeyHex,
                        String hmacKeyHex) {
        this.codec = codec;
        this.host = host;
        this.port = port;
        this.wiremock = wiremock;
        this.journal = journal;
        this.retailMacKeyHex = retailMacKeyHex;
        this.hmacKeyHex = hmacKeyHex;
    }

    /** Listens on {@code host:port} (port 0: a free one, kept across refusals). */
    static IsoTcpFront start(IsoFrames codec, String host, int port, URI wiremock, Journal journal,
                             String retailMacKeyHex, String hmacKeyHex) {
        ServerSocket socket = bind(host, port);
        IsoTcpFront front = new IsoTcpFront(codec, host, socket.getLocalPort(), wiremock, journal, retailMacKeyHex, hmacKeyHex);
        front.listen(socket);
        return front;
    }

    @Override
    public URI address() {
        return URI.create("tcp://" + host + ":" + port);
    }

    @Override
    public void refuseConnections() {
        Thread accepting;
        synchronized (this) {
            if (listener == null) {
                return;
            }
            closeQuietly(listener);
            listener = null;
            accepting = acceptor;
            connections.keySet().forEach(IsoTcpFront::closeQuietly);
        }
        // A socket closed while a thread is blocked in it is closed for good only once that thread
        // has left: until then the listener still accepts and holds the port, and a connection
        // keeps its descriptor. Outside the lock: an accepted connection is checked under it.
        join(accepting);
        connections.values().forEach(IsoTcpFront::join);
        LOG.debug("bank refuses connections on port {}", port);
    }

    private static void join(Thread t) {
        try {
            t.join(CONNECTION_END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void acceptConnections() {
        if (listener == null) {
            listen(bind(host, port));
        }
    }

    @Override
    public void close() {
        refuseConnections();
        http.close();
    }

    private synchronized void listen(ServerSocket socket) {
        listener = socket;
        acceptor = Thread.ofPlatform().daemon().name("bank-iso8583-accept-" + port).start(() -> accept(socket));
    }

    private static ServerSocket bind(String host, int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), BACKLOG);
            return socket;
        } catch (IOException e) {
            throw new BadInputException(FakeBank.LISTEN_SETTING, "cannot listen on " + host + ":" + port + " ("
                    + e.getMessage() + "); stop what holds it, or use port 0 to take a free one", e);
        }
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                return; // refused or closed
            }
            synchronized (this) {
                // refused between accept and here: the connection would keep the port from listening again
                if (listener != socket) {
                    closeQuietly(s);
                    return;
                }
                Thread serving = Thread.ofVirtual().name("bank-iso8583-" + s.getPort()).unstarted(() -> serve(s));
                connections.put(s, serving);
                serving.start();
            }
        }
    }

    private void serve(Socket s) {
        try {
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                byte[] body;
                try {
                    body = codec.read(in);
                } catch (EOFException e) {
                    return;
                } catch (IsoFrames.BrokenFrame e) {
                    drop(e.bytes(), "broken frame, connection closed: " + e.getMessage());
                    return;
                }
                if (!exchange(s, body, out)) {
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("terminal connection ended: {}", e.toString());
        } catch (RuntimeException e) {
            // a fault of the bank's own must cost one connection, never the listener or the run
            LOG.warn("terminal connection dropped on an unexpected fault: {}", e.toString());
        } finally {
            connections.remove(s);
            closeQuietly(s);
        }
    }

    /** One request and its answer; false when the connection is to end. */
    private boolean exchange(Socket s, byte[] body, OutputStream out) throws IOException {
        Instant at = Instant.now();
        IsoFrames.Unpacked unpacked;
        try {
            unpacked = codec.unpack(body);
        } catch (IsoMessage.MalformedMessageException e) {
            drop(codec.frame(body), "dropped, does not unpack: " + e.getMessage());
            return true;
        }
        IsoMessage request = unpacked.message();
        // the PIN block is hidden in the frame as in the journal's fields: it is the cardholder's secret, encrypted or not
        String hex = IsoFrames.maskedHex(codec.frame(body), pans(request));
        String pinBlock = request.field(52).orElse("");
        Optional<String> frame = Optional.of(pinBlock.isEmpty() ? hex : hex.replace(pinBlock, "*".repeat(pinBlock.length())));
        byte[] answerPrefix = codec.answerPrefix(unpacked.prefix());
        if (request.field(MessageMac.FIELD).isPresent() && !codec.macValid(body, request, retailMacKeyHex)) {
            IsoMessage answer = MessageMac.sign(IsoAnswer.answer(request,
                    new IsoAnswer.Template(Optional.empty(), Map.of(IsoAnswer.RESPONSE_CODE, IsoAnswer.MAC_ERROR)), true),
                hmacKeyHex);
            journal.add(new Exchange(at, request.toJson(), Optional.of(request), 200, answer.toJson(),
                    Optional.of(answer), Optional.empty(), Duration.ZERO, frame));
            LOG.info("{} STAN {}: the request's MAC is wrong; answered A0", request.mti(), request.field(11).orElse("-"));
            return send(out, answerPrefix, answer);
        }
        // a right retail MAC becomes a right HMAC: the mappings see what a json-http terminal sends
        IsoMessage forwarded = request.field(MessageMac.FIELD).isPresent()
                ? MessageMac.sign(request.without(MessageMac.FIELD), hmacKeyHex)
                : request;
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(wiremock)
                            .header("Content-Type", "application/json")
                            .header(FRAME_HEADER, frame.get())
                            .POST(HttpRequest.BodyPublishers.ofString(forwarded.toJson(), StandardCharsets.UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // WireMock reset or dropped its side: the terminal's connection goes the same way, abruptly
            s.setSoLinger(true, 0);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        Optional<IsoMessage> answer = Optional.empty();
        if (response.statusCode() == 200) {
            try {
                answer = Optional.of(IsoMessage.parse(response.body()));
            } catch (IsoMessage.MalformedMessageException e) {
                // left empty: a malformed answer
            }
        }
        if (answer.isEmpty()) {
            // what WireMock sent is not a message: it goes out as bytes in a frame that do not unpack
            byte[] junk = response.body().isEmpty() ? "MALFORMED".getBytes(StandardCharsets.US_ASCII)
                    : response.body().getBytes(StandardCharsets.UTF_8);
            out.write(codec.frame(junk));
            out.flush();
            return true;
        }
        return send(out, answerPrefix, answer.get());
    }

    /** Packs an answer of the JSON dialect, carrying its MAC's verdict over into the retail MAC. */
    private boolean send(OutputStream out, byte[] prefix, IsoMessage answer) throws IOException {
        byte[] body;
        try {
            if (answer.field(MessageMac.FIELD).isEmpty()) {
                body = codec.pack(prefix, answer);
            } else {
                boolean right = MessageMac.verify(answer, hmacKeyHex);
                body = codec.signed(codec.pack(prefix, IsoFrames.withMacPlaceholder(answer)), retailMacKeyHex);
                if (!right) {
                    body[body.length - 1] ^= 0x01;
                }
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("the bank's {} answer cannot be packed for this terminal ({}); connection closed",
                    answer.mti(), e.getMessage());
            return false;
        }
        out.write(codec.frame(body));
        out.flush();
        return true;
    }

    private void drop(byte[] bytes, String why) {
        String hex = IsoFrames.maskedHex(bytes, List.of());
        journal.add(new Exchange(Instant.now(), hex, Optional.empty(), 0, "", Optional.empty(),
                Optional.of(why), Duration.ZERO, Optional.of(hex)));
        LOG.info("terminal frame {}", why);
    }

    private static List<String> pans(IsoMessage request) {
        List<String> pans = new ArrayList<>();
        request.field(2).ifPresent(pans::add);
        request.field(35).map(t -> t.split("[=D]")[0]).ifPresent(pans::add);
        return pans;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing: {}", e.toString());
        } 
    }

}
