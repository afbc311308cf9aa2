package dev.posbench.bank;

import com.github.tomakehurst.wiremock.common.Timing;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.LoggedResponse;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.posbench.bank.FakeBank.Exchange;
import dev.posbench.channel.IsoMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The bank's own journal: a serve event listener that records each exchange the moment WireMock
 * has decided the answer and before it is sent (so before any configured delay), and wakes up
 * whoever waits for a request. Recording before the delay is what lets a step see "the terminal
 * sent its authorization" while the bank is still holding back the answer.
 */
final class Journal implements ServeEventListener {

    static final String NAME = "posbench-journal";

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private String halted;
    private final List<Exchange> exchanges = new ArrayList<>();
    /**
     * Every authorization of the run by its STAN, kept across {@link #clear()}: a reversal may undo
     * an authorization an earlier scenario (or an earlier power period) sent.
     */
    private final java.util.Map<String, IsoMessage> authorizations = new java.util.HashMap<>();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return true;
    }

    @Override
    public void beforeResponseSent(ServeEvent event, Parameters parameters) {
        add(exchangeOf(event));
    }

    void add(Exchange exchange) {
        lock.lock();
        try {
            // arrival order: concurrent requests may reach this point in another order than they came
            int at = exchanges.size();
            while (at > 0 && exchanges.get(at - 1).at().isAfter(exchange.at())) {
                at--;
            }
            exchanges.add(at, exchange);
            exchange.request().filter(r -> r.mti().equals(IsoMessage.AUTHORIZATION))
                    .ifPresent(r -> r.field(11).ifPresent(stan -> authorizations.put(stan, r)));
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    List<Exchange> exchanges() {
        lock.lock();
        try {
            return List.copyOf(exchanges);
        } finally {
            lock.unlock();
        }
    }

    /** The last authorization of the run with this STAN. */
    java.util.Optional<IsoMessage> authorization(String stan) {
        lock.lock();
        try {
            return java.util.Optional.ofNullable(authorizations.get(stan));
        } finally {
            lock.unlock();
        }
    }

    /** Every wait in progress, and every later one, ends at once with {@code why}: the run is stopping. */
    void halt(String why) {
        lock.lock();
        try {
            halted = why;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void clear() {
        lock.lock();
        try {
            exchanges.clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The first {@code count} exchanges (since the last clear) whose requests satisfy {@code p},
     * waiting until that many have arrived.
     */
    List<Exchange> await(Predicate<IsoMessage> p, int count, Duration timeout, String expected) {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                List<Exchange> matching = exchanges.stream().filter(e -> e.request().filter(p).isPresent())
                        .limit(count).toList();
                if (matching.size() == count) {
                    return matching;
                }
                if (halted != null) {
                    throw new AssertionError("stopped waiting for " + expected + ": " + halted);
                }
                if (nanos <= 0) {
                    throw new AssertionError("the bank did not receive " + expected + " within "
                            + timeout.toMillis() + " ms; it received " + describe(exchanges));
                }
                long waitStart = System.nanoTime();
                nanos = arrived.awaitNanos(nanos);
                dev.posbench.WaitClock.since(waitStart);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the bank to receive " + expected, e);
        } finally {
            lock.unlock();
        }
    }

    private static String describe(List<Exchange> exchanges) {
        if (exchanges.isEmpty()) {
            return "nothing";
        }
        StringBuilder out = new StringBuilder(exchanges.size() + " request(s):");
        for (Exchange e : exchanges) {
            out.append("\n  ").append(JournalText.requestLine(e));
        }
        return out.toString();
    }

    private static Exchange exchangeOf(ServeEvent event) {
        String rawRequest = event.getRequest().getBodyAsString();
        Instant at = event.getRequest().getLoggedDate() == null
                ? Instant.now() : event.getRequest().getLoggedDate().toInstant();
        LoggedResponse response = event.getResponse();
        int status = response == null ? 0 : response.getStatus();
        Fault fault = response == null ? null : response.getFault();
        String rawResponse = response == null || fault != null || response.getBody() == null ? "" : response.getBodyAsString();
        return new Exchange(at, rawRequest, parse(rawRequest), status, rawResponse,
                fault == null ? parse(rawResponse) : Optional.empty(),
                Optional.ofNullable(fault).map(Fault::name),
                delay(event),
                Optional.ofNullable(event.getRequest().getHeader(IsoTcpFront.FRAME_HEADER)));
    }

    /**
     * The delay WireMock adds before answering, as drawn for this very answer (a uniform delay
     * differs from answer to answer); the configured fixed delay when WireMock did not time it.
     */
    private static Duration delay(ServeEvent event) {
        Timing timing = event.getTiming();
        if (timing != null && timing.getAddedDelay() != null) {
            return Duration.ofMillis(timing.getAddedDelay());
        }
        ResponseDefinition definition = event.getResponseDefinition();
        return definition == null || definition.getFixedDelayMilliseconds() == null
                ? Duration.ZERO
                : Duration.ofMillis(definition.getFixedDelayMilliseconds());
    }

    private static Optional<IsoMessage> parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(IsoMessage.parse(raw));
        } catch (IsoMessage.MalformedMessageException e) {
            return Optional.empty();
        }
    }
}
