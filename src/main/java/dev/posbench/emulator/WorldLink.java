package dev.posbench.emulator;

import dev.posbench.channel.PhysicalEvent;
import dev.posbench.channel.WorldMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal's side of the physical-world socket of the terminal contract: it says hello, turns
 * the bench's lines into physical events for the firmware, and carries the chip readers' APDUs.
 */
final class WorldLink implements ChipReader, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorldLink.class);

    /**
     * How long the reader waits for a card's answer before it calls the card mute, as a real
     * reader gives up on a card that does not answer to reset. The bench answers in milliseconds.
     */
    static final Duration READER_TIMEOUT = Duration.ofMillis(500);

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Optional<byte[]>>> pending = new ConcurrentHashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    private WorldLink(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    /** Connects, says hello and waits for the welcome; events are not read until {@link #start}. */
    static WorldLink connect(String hostPort, String program, String version) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 1) {
            throw new IOException("POSBENCH_WORLD \"" + hostPort + "\" is not host:port");
        }
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))));
        WorldLink link = new WorldLink(socket);
        link.send(new WorldMessage.Hello(program, version));
        String line = link.in.readLine();
        if (line == null) {
            throw new IOException("the bench closed the world socket before its welcome");
        }
        try {
            if (!(WorldMessage.parse(line) instanceof WorldMessage.Welcome)) {
                throw new IOException("the bench's first line was not a welcome: " + line);
            }
        } catch (WorldMessage.ContractViolation e) {
            throw new IOException("the bench's welcome is not of this contract: " + e.getMessage(), e);
        }
        return link;
    }

    /** Starts delivering the bench's events to {@code terminal}, on a thread of its own. */
    void start(Consumer<PhysicalEvent> terminal) {
        Thread.ofPlatform().name("world-socket").daemon().start(() -> read(terminal));
    }

    /** Blocks until the bench closes the socket (the bench is gone: so is this terminal's world). */
    void awaitClosed() throws InterruptedException {
        closed.await();
    }

    @Override
    public Chip connect(WorldMessage.Reader reader) {
        ApduPort port = command -> exchange(reader, command);
        return reader == WorldMessage.Reader.CONTACT ? ApduChip.contact(port) : ApduChip.contactless(port);
    }

    /** One command APDU out, its response back; empty when no card is there or it did not answer in time. */
    Optional<byte[]> exchange(WorldMessage.Reader reader, byte[] command) {
        long id = ids.incrementAndGet();
        CompletableFuture<Optional<byte[]>> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            send(new WorldMessage.Apdu(id, reader, command));
            return answer.get(READER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | IOException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("an APDU answer cannot fail", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            pending.remove(id);
        }
    }

    private void read(Consumer<PhysicalEvent> terminal) {
        try {
            String line;
            while ((line = in.readLine()) != null) {
                switch (WorldMessage.parse(line)) {
                    case WorldMessage.Sensed(PhysicalEvent event) -> terminal.accept(event);
                    case WorldMessage.Rapdu r -> answer(r.id(), Optional.of(r.response()));
                    case WorldMessage.NoCard n -> answer(n.id(), Optional.empty());
                    case WorldMessage other -> LOG.warn("the bench sent a {} the terminal does not expect", other);
                }
            }
        } catch (IOException e) {
            LOG.debug("world socket ended: {}", e.toString());
        } catch (WorldMessage.ContractViolation e) {
            LOG.error("the bench broke the terminal contract: {}", e.getMessage());
        } finally {
            closed.countDown();
        }
    }

    private void answer(long id, Optional<byte[]> response) {
        CompletableFuture<Optional<byte[]>> waiting = pending.get(id);
        if (waiting != null) {
            waiting.complete(response);
        }
    }

    private synchronized void send(WorldMessage message) throws IOException {
        out.write((message.toLine() + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing the world socket: {}", e.toString());
        }
    }
}
