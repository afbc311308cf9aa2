package dev.posbench.sim;

import dev.posbench.BadInputException;
import dev.posbench.TerminalProgramException;
import dev.posbench.channel.Pans;
import dev.posbench.channel.PhysicalEvent;
import dev.posbench.channel.WorldMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal under test on the simulated rig: a program of its own, started and killed through
 * the terminal contract ({@code docs/terminal-contract.md}). Power on starts the process; power off
 * kills it with SIGKILL, as a power cut stops a terminal. It serves the physical-world socket: the
 * mechanics' events go out on it, and the chip's APDUs come in and are answered by the simulated
 * card through {@link CardField}.
 *
 * <p>When the program breaks the contract (a line of another version, an exit while powered) the
 * waits of the scenario in progress are ended at once through {@code halt}, with the reason; a
 * contract violation is kept, and {@link #checkContract()} stops the run on it.
 */
public final class TerminalProgram implements TerminalHardware, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TerminalProgram.class);
    /** Output lines a failure message quotes. */
    private static final int TAIL = 12;

    private final TerminalCommand command;
    private final String where;
    private final NullModem cable;
    private final CardField cards;
    private final Consumer<String> halt;
    private final Map<String, String> values = new HashMap<>();
    private final Map<String, String> environment = new HashMap<>();
    private final ServerSocket world;
    private final Path flash;
    private final ProgramOutput output = new ProgramOutput();

    // guarded by this
    private boolean powered;
    private int generation;
    private Process process;
    private Connection connection;
    private boolean helloThisPowerOn;
    /** What the program said it is in its last hello (its name and version); null before the first. */
    private volatile String firmware;
    private boolean connectedThisPowerOn;
    private String violation;

    /**
     * @param where    the rig config field that names the program, for messages
     * @param bank     the bank's address, as the profile's host dialect writes it
     * @param defects  seeded defects for the reference terminal (empty for any other program)
     * @param halt     ends the serial waits in progress, with the reason: the terminal is gone
     */
    TerminalProgram(TerminalCommand command, String where, Path configDir, Path profile, NullModem cable, CardField cards,
            String bank, String bankDialect, List<String> defects, Consumer<String> halt) {
        this.command = command;
        this.where = where;
        this.cable = cable;
        this.cards = cards;
        this.halt = halt;
        try {
            this.flash = Files.createTempDirectory("posbench-flash-");
            this.world = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("the terminal program's flash folder or world socket could not be made", e);
        }
        String worldAddress = world.getInetAddress().getHostAddress() + ":" + world.getLocalPort();
        values.put("serial", cable.terminalDevice().toString());
        values.put("bank", bank);
        values.put("bankDialect", bankDialect);
        values.put("world", worldAddress);
        values.put("flash", flash.toString());
        values.put("java", ProcessHandle.current().info().command().orElse("java"));
        values.put("classpath", absoluteClasspath());
        values.put("config", configDir.toAbsolutePath().normalize().toString());
        values.put("profile", profile.toAbsolutePath().normalize().toString());
        environment.put("POSBENCH_CONTRACT", String.valueOf(WorldMessage.VERSION));
        environment.put("POSBENCH_SERIAL", values.get("serial"));
        environment.put("POSBENCH_BANK", bank);
        environment.put("POSBENCH_BANK_DIALECT", bankDialect);
        environment.put("POSBENCH_WORLD", worldAddress);
        environment.put("POSBENCH_FLASH", flash.toString());
        if (!defects.isEmpty()) {
            environment.put("POSBENCH_SEEDED_DEFECTS", String.join(",", defects));
        }
        Thread.ofPlatform().name("world-socket").daemon().start(this::acceptConnections);
    }

    /** The power relay: on starts the program, off kills it (SIGKILL, its children too). */
    @Override
    public void power(boolean on) {
        if (on) {
            powerOn();
        } else {
            powerOff();
        }
    }

    /** What the mechanics did; sent to the program if it is up and has said hello, lost otherwise. */
    @Override
    public void sense(PhysicalEvent event) {
        Connection c;
        synchronized (this) {
            c = connection;
        }
        if (c != null) {
            c.send(new WorldMessage.Sensed(event));
        }
    }

    /** Whether the program is powered and its process alive. */
    public synchronized boolean running() {
        return powered && process != null && process.isAlive();
    }

    /**
     * @throws TerminalProgramException when the program broke the contract at some point of the
     *                                  run: no verdict on it can be trusted any more
     */
    public synchronized void checkContract() {
        if (violation != null) {
            throw new TerminalProgramException(violation);
        }
    }

    /** Waits until the program started by the last power on said hello, exited, or broke the contract. */
    public synchronized void awaitHello() {
        long deadline = System.nanoTime() + command.startTimeout().toNanos();
        while (powered && !helloThisPowerOn && violation == null && process != null && process.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Why the program did not come to idle after power on, as the one message that stops the run:
     * it exited, never connected, never said hello, never opened its serial end, or never showed
     * the idle text. Kept as the run's contract violation: every later scenario stops at once
     * rather than wait for a program that does not come up.
     */
    public synchronized TerminalProgramException notReady(String idleWait) {
        checkContract();
        String name = "terminal program `" + command.describe() + "` (" + where + ")";
        String why;
        if (process == null) {
            why = "was never started";
        } else if (!process.isAlive()) {
            why = "exited at once with code " + process.exitValue();
        } else if (!connectedThisPowerOn) {
            why = "never connected to the world socket POSBENCH_WORLD=" + values.get("world");
        } else if (!helloThisPowerOn) {
            why = "connected to the world socket but never said hello";
        } else if (!opened(process, cable.terminalDevice())) {
            why = "never opened its serial end POSBENCH_SERIAL=" + cable.terminalDevice();
        } else {
            why = "never showed IDLE: " + idleWait;
        }
        // the command as written may hold a card number too: a message is evidence
        violation = Pans.maskAll(name + " " + why + lastOutput());
        return new TerminalProgramException(violation);
    }

    /** The program and version the terminal reported in its last hello, as it said them. */
    public java.util.Optional<String> firmware() {
        return java.util.Optional.ofNullable(firmware).map(String::strip);
    }

    /** A position in the program's output, for {@link #outputSince}. */
    public int outputMark() {
        return output.mark();
    }

    /** What the program printed since {@code mark}, masked. */
    public String outputSince(int mark) {
        return output.render(mark);
    }

    private synchronized void powerOn() {
        if (powered) {
            return;
        }
        powered = true;
        generation++;
        connectedThisPowerOn = false;
        helloThisPowerOn = false;
        cable.terminalPowered(true);
        List<String> argv = command.expand(values);
        ProcessBuilder builder = new ProcessBuilder(argv).directory(command.workdir().toFile());
        builder.environment().putAll(environment);
        output.note("power on: starting " + command.describe());
        try {
            process = builder.start();
        } catch (IOException e) {
            powered = false;
            cable.terminalPowered(false);
            throw new BadInputException(where, "cannot start " + argv.getFirst() + " in " + command.workdir() + ": "
                    + e.getMessage(), e);
        }
        output.capture(process.getInputStream(), "stdout");
        output.capture(process.getErrorStream(), "stderr");
        int gen = generation;
        Process started = process;
        started.onExit().thenAccept(p -> exited(gen, p));
        LOG.debug("terminal program started as pid {}", started.pid());
    }

    private void powerOff() {
        Process dying;
        Connection c;
        synchronized (this) {
            if (!powered) {
                return;
            }
            powered = false;
            cable.terminalPowered(false);
            dying = process;
            c = connection;
            connection = null;
        }
        if (c != null) {
            c.close();
        }
        if (dying != null) {
            kill(dying);
            output.note("power off: killed");
        }
    }

    /** SIGKILL to the program and everything it started, then waits until the kernel has reaped it. */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.onExit().get(10, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            LOG.warn("terminal program pid {} did not die within 10 s of SIGKILL", p.pid());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void exited(int gen, Process p) {
        String why;
        synchronized (this) {
            notifyAll(); // a power on waiting for its hello waits no more
            if (gen != generation || !powered) {
                return; // killed by a power off: that is what power off does
            }
            why = "terminal program `" + command.describe() + "` exited with code " + p.exitValue()
                    + " while powered on";
            Connection c = connection;
            connection = null;
            if (c != null) {
                c.close();
            }
        }
        output.note(why);
        halt.accept(Pans.maskAll(why + lastOutput()));
    }

    /** A contract violation: recorded, the program killed as by a power cut, the waits ended. */
    private void violated(String what, String line) {
        String why = "terminal program `" + command.describe() + "` (" + where + ") broke the terminal contract: "
                + what + (line == null ? "" : "; the line was: " + Pans.maskAll(truncate(line)));
        Process p;
        synchronized (this) {
            notifyAll();
            if (violation == null) {
                violation = Pans.maskAll(why);
            }
            p = process;
            powered = false;
            cable.terminalPowered(false);
            connection = null;
        }
        output.note(why);
        if (p != null) {
            kill(p);
        }
        halt.accept(Pans.maskAll(why));
    }

    private String lastOutput() {
        String tail = output.tail(TAIL);
        return tail.isBlank() ? "" : "\nIts last output:\n" + tail.stripTrailing().indent(2).stripTrailing();
    }

    private void acceptConnections() {
        while (!world.isClosed()) {
            try {
                Socket socket = world.accept();
                socket.setTcpNoDelay(true);
                Thread.ofPlatform().name("world-connection").daemon().start(() -> serve(socket));
            } catch (IOException e) {
                if (!world.isClosed()) {
                    LOG.warn("world socket: {}", e.toString());
                }
            }
        }
    }

    /** One connection: hello, welcome, then the program's APDUs until it goes. */
    private void serve(Socket socket) {
        int gen;
        synchronized (this) {
            gen = generation;
            if (!powered) {
                closeQuietly(socket);
                return;
            }
            connectedThisPowerOn = true;
        }
        Connection c;
        BufferedReader in;
        try {
            c = new Connection(socket);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            closeQuietly(socket);
            return;
        }
        try {
            String line = in.readLine();
            if (line == null) {
                return;
            }
            if (!(parse(line) instanceof WorldMessage.Hello hello)) {
                violated("its first line on the world socket is not a hello", line);
                return;
            }
            synchronized (this) {
                if (!powered || gen != generation) {
                    return;
                }
                helloThisPowerOn = true;
                notifyAll();
                // a program that reconnects takes the place of its old connection
                connection = c;
            }
            output.note("world socket: hello from " + hello.program() + " " + hello.version());
            firmware = hello.program() + " " + hello.version();
            c.send(new WorldMessage.Welcome("posbench " + version()));
            if (cards.cardInContactReader()) {
                c.send(new WorldMessage.Sensed(new PhysicalEvent.CardInserted()));
            }
            while ((line = in.readLine()) != null) {
                switch (parse(line)) {
                    case WorldMessage.Apdu apdu -> answer(c, apdu);
                    case WorldMessage.Hello again -> throw new ViolationSeen("a second hello on one connection", line);
                    default -> throw new ViolationSeen("a terminal sends hello and apdu lines only", line);
                }
            }
        } catch (ViolationSeen v) {
            boolean current;
            synchronized (this) {
                current = gen == generation;
            }
            if (current) {
                violated(v.getMessage(), v.line);
            }
        } catch (IOException e) {
            LOG.debug("world connection ended: {}", e.toString());
        } finally {
            c.close();
            synchronized (this) {
                if (connection == c) {
                    connection = null;
                }
            }
        }
    }

    private void answer(Connection c, WorldMessage.Apdu apdu) {
        switch (cards.transmit(apdu.reader(), apdu.command())) {
            case CardField.Answer.Response(byte[] bytes) -> c.send(new WorldMessage.Rapdu(apdu.id(), bytes));
            case CardField.Answer.NoCard n -> c.send(new WorldMessage.NoCard(apdu.id()));
            case CardField.Answer.Mute m -> {
                // a dead chip: the reader hears nothing, and times out on its own
            }
        }
    }

    private static WorldMessage parse(String line) throws ViolationSeen {
        try {
            return WorldMessage.parse(line);
        } catch (WorldMessage.ContractViolation e) {
            throw new ViolationSeen(e.getMessage(), line);
        }
    }

    /** posbench's classpath with every entry absolute: the program runs in a folder of its own. */
    private static String absoluteClasspath() {
        return Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath().normalize().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    private static String version() {
        String v = TerminalProgram.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0" : v;
    }

    private static String truncate(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }

    /** Whether the program, or a process it started, holds {@code device} open (Linux: the links in /proc/PID/fd). */
    private static boolean opened(Process p, Path device) {
        return Stream.concat(Stream.of(p.toHandle()), p.descendants()).anyMatch(h -> holds(h.pid(), device));
    }

    private static boolean holds(long pid, Path device) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(device);
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing a world connection: {}", e.toString());
        }
    }

    /** Kills the program, closes the world socket and forgets the flash: the next run starts afresh. */
    @Override
    public void close() {
        powerOff();
        try {
            world.close();
        } catch (IOException e) {
            LOG.debug("closing the world socket: {}", e.toString());
        }
        try (Stream<Path> files = Files.walk(flash)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            LOG.debug("removing the flash folder {}: {}", flash, e.toString());
        }
    }

    /** A line that breaks the contract, seen on the connection's reader thread. */
    private static final class ViolationSeen extends Exception {
        private final String line;

        ViolationSeen(String what, String line) {
            super(what);
            this.line = line;
        }
    }

    /** One connection's writing side; writes from the rig's thread and the reader's are serialised. */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        synchronized void send(WorldMessage message) {
            try {
                out.write((message.toLine() + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                // the program is gone (killed, or crashed): what it would have sensed is lost with it
                LOG.debug("world socket write: {}", e.toString());
            }
        }

        void close() {
            closeQuietly(socket);
        }
    }
}
