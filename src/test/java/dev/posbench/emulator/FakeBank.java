package dev.posbench.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.MessageMac;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A bank of the reference dialect on a loopback port, over real HTTP: it records what arrives and
 * answers as the test says. Answers echo the request and carry a valid MAC unless told otherwise.
 */
final class FakeBank implements AutoCloseable {

    static final String MAC_KEY = "00112233445566778899AABBCCDDEEFF";
    static final String PIN_KEY = "0123456789ABCDEFFEDCBA9876543210";
    static final long WAIT_SECONDS = 15;

    /** What the bank does with one request. */
    sealed interface Reply {
        record Send(int status, String body) implements Reply {}

        /** Never answers: the request hangs until the bank closes. */
        record Hang() implements Reply {}

        /** Closes the connection without a word, after the request arrived. */
        record Drop() implements Reply {}
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final LinkedBlockingQueue<IsoMessage> arrivals = new LinkedBlockingQueue<>();
    private final List<IsoMessage> journal = new ArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Function<IsoMessage, Reply> behaviour = request -> send(answer(request, "00"));

    FakeBank() {
        this(0);
    }

    FakeBank(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/iso", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port() + "/iso");
    }

    int port() {
        return server.getAddress().getPort();
    }

    void behave(Function<IsoMessage, Reply> newBehaviour) {
        behaviour = newBehaviour;
    }

    /** Authorizations get this response code; everything else is approved. */
    void answerAuthorizations(String code) {
        behave(request -> send(answer(request, request.mti().equals(IsoMessage.AUTHORIZATION) ? code : "00")));
    }

    /** The next request to arrive, which must be of this MTI. */
    IsoMessage awaitRequest(String mti) {
        IsoMessage request;
        try {
            request = arrivals.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertNotNull(request, "expected a " + mti + " at the bank within " + WAIT_SECONDS + " s; journal: " + journal());
        assertEquals(mti, request.mti(), () -> "next request at the bank; journal: " + journal());
        return request;
    }

    /** Requests that arrived and were not awaited yet. */
    List<IsoMessage> unclaimed() {
        return List.copyOf(arrivals);
    }

    List<IsoMessage> journal() {
        synchronized (journal) {
            return List.copyOf(journal);
        }
    }

    static Reply send(IsoMessage answer) {
        return new Reply.Send(200, answer.toJson());
    }

    /** An answer that echoes the request, with a response code and a valid MAC. */
    static IsoMessage answer(IsoMessage request, String code) {
        return answer(request, code, Map.of());
    }

    static IsoMessage answer(IsoMessage request, String code, Map<Integer, String> extra) {
        Map<Integer, String> f = new TreeMap<>();
        for (int n : new int[] {3, 4, 11, 41, 42}) {
            request.field(n).ifPresent(v -> f.put(n, v));
        }
        f.put(39, code);
        if (code.equals("00") && request.mti().equals(IsoMessage.AUTHORIZATION)) {
            f.put(38, "A1B2C3");
        }
        f.putAll(extra);
        String mti = "%04d".formatted(Integer.parseInt(request.mti()) + 10);
        return MessageMac.sign(new IsoMessage(mti, f), MAC_KEY);
    }

    /** Holds the reply until the test releases it (a bank that thinks as long as the test needs). */
    static Reply after(CountDownLatch release, Reply reply) {
        try {
            if (!release.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                fail("the test never released the bank's answer");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return reply;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            IsoMessage request;
            try {
                request = IsoMessage.parse(body);
            } catch (IsoMessage.MalformedMessageException e) {
                respond(exchange, new Reply.Send(400, "{}"));
                return;
            }
            synchronized (journal) {
                journal.add(request);
            }
            arrivals.add(request);
            respond(exchange, behaviour.apply(request));
        }
    }

    private void respond(HttpExchange exchange, Reply reply) throws IOException {
        switch (reply) {
            case Reply.Send(int status, String body) -> {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
            case Reply.Hang h -> {
                try {
                    closing.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            case Reply.Drop d -> {
                // closing the exchange without response headers closes the connection
            }
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }
}
