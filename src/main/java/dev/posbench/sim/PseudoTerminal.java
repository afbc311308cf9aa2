package dev.posbench.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real pseudo-terminal pair, the serial cable of the simulated rig. The bench opens
 * {@link #devicePath()} with jSerialComm exactly as it opens {@code /dev/ttyUSB0} on a rig; the
 * simulated terminal talks through {@link #terminalIn()} and {@link #terminalOut()} on the master
 * side. The line discipline is raw 8-bit: no echo, no CR/LF translation, no signals.
 *
 * <p>Linux only: the constants and the termios handling below are Linux's (x86-64 and AArch64
 * share them), which is where the bench and its CI run.
 */
public final class PseudoTerminal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PseudoTerminal.class);

    // Linux values (asm-generic and x86 agree for all of these).
    private static final int O_RDWR = 0x2;
    private static final int O_NOCTTY = 0x100;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int TCSANOW = 0;
    private static final int TCIFLUSH = 0;
    private static final short POLLIN = 0x1;
    private static final short POLLOUT = 0x4;
    private static final short POLLERR = 0x8;
    private static final short POLLHUP = 0x10;
    private static final short POLLNVAL = 0x20;
    private static final int EINTR = 4;
    private static final int EIO = 5;
    private static final int EAGAIN = 11;

    /** Longest single poll: the wake pipe ends waits at once; this only bounds how late an interrupt is seen. */
    private static final int POLL_SLICE_MS = 500;
    /**
     * How long a write may find the line full before the bytes are dropped. A real UART sends
     * whether or not anyone listens; a pty instead stops the writer once about 4 KiB sit unread.
     * Nobody reading for this long means no bench is attached, so the queued bytes are discarded
     * as they would be on a wire, and the simulated terminal never hangs on its own display.
     */
    private static final long UNREAD_GRACE_NANOS = 1_000_000_000L;
    /** The termios struct is 60 bytes in glibc; room to spare costs nothing. */
    private static final long TERMIOS_BYTES = 256;
    private static final int PATH_BYTES = 128;

    private static final Native C = new Native();

    private final int master;
    /** Our own slave descriptor, never read: see {@link #open()} on why it is held. */
    private final int keeper;
    private final int wakeRead;
    private final int wakeWrite;
    private final Path device;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Readers and writers hold the read lock while they use the descriptors; close takes the write lock. */
    private final ReentrantReadWriteLock fdUse = new ReentrantReadWriteLock();
    private final ReentrantLock readers = new ReentrantLock();
    private final ReentrantLock writers = new ReentrantLock();
    private final InputStream in = new TerminalIn();
    private final OutputStream out = new TerminalOut();

    private PseudoTerminal(int master, int keeper, int wakeRead, int wakeWrite, Path device) {
        this.master = master;
        this.keeper = keeper;
        this.wakeRead = wakeRead;
        this.wakeWrite = wakeWrite;
        this.device = device;
    }

    /**
     * Creates a pty pair.
     *
     * <p>On Linux, while no descriptor of the slave is open (before the bench opens the port, after
     * it closes it) the master polls as hung up and reads fail with EIO, with no event when a
     * slave appears. So this object keeps one slave descriptor of its own open for its whole life:
     * the master then never sees a hang-up, and the reader simply waits for data. That descriptor
     * takes no lock, so jSerialComm's exclusive open (flock) still succeeds, and a second bench
     * process is still refused.
     *
     * @throws IllegalStateException when the system refuses, with the errno text
     */
    public static PseudoTerminal open() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            throw new IllegalStateException("the simulated serial line needs Linux pseudo-terminals; this is "
                    + System.getProperty("os.name"));
        }
        int master = -1;
        int keeper = -1;
        int[] wake = {-1, -1};
        try (Arena arena = Arena.ofConfined()) {
            master = C.check("posix_openpt", C.posixOpenpt(O_RDWR | O_NOCTTY));
            C.check("grantpt", C.grantpt(master));
            C.check("unlockpt", C.unlockpt(master));
            MemorySegment name = arena.allocate(PATH_BYTES);
            int rc = C.ptsnameR(master, name, PATH_BYTES);
            if (rc != 0) {
                throw new IllegalStateException("ptsname_r failed: " + C.strerror(rc));
            }
            String slave = name.getString(0);

            keeper = C.check("open " + slave, C.open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC));
            MemorySegment termios = arena.allocate(TERMIOS_BYTES);
            C.check("tcgetattr", C.tcgetattr(keeper, termios));
            C.cfmakeraw(termios);
            C.check("tcsetattr", C.tcsetattr(keeper, TCSANOW, termios));

            // The master is non-blocking so a full line can never pin a writer inside write(2),
            // where close() could not reach it; waits happen in poll(2) instead.
            int flags = C.check("fcntl F_GETFL", C.fcntl(master, F_GETFL, 0));
            C.check("fcntl F_SETFL", C.fcntl(master, F_SETFL, flags | O_NONBLOCK));
            C.check("fcntl F_SETFD", C.fcntl(master, 2 /* F_SETFD */, 1 /* FD_CLOEXEC */));

            wake = C.pipe();
            LOG.debug("pseudo-terminal {} open", slave);
            return new PseudoTerminal(master, keeper, wake[0], wake[1], Path.of(slave));
        } catch (RuntimeException e) {
            for (int fd : new int[] {wake[1], wake[0], keeper, master}) {
                if (fd >= 0) {
                    C.close(fd);
                }
            }
            throw e;
        }
    }

    /** The slave device, {@code /dev/pts/N}: the port the bench opens. */
    public Path devicePath() {
        return device;
    }

    /**
     * What the bench sends, as the simulated terminal receives it. A read waits in native poll(2)
     * until a byte comes, so read from a platform thread: a virtual thread would pin its carrier
     * for the whole wait. Returns -1 only after {@link #close()}; an interrupt ends a read within
     * half a second with an {@link InterruptedIOException}.
     */
    public InputStream terminalIn() {
        return in;
    }

    /** What the simulated terminal sends to the bench. */
    public OutputStream terminalOut() {
        return out;
    }

    /**
     * Drops what was written to the master and not yet read on the slave side: a program that
     * opens the device from now on finds the line empty, as a terminal switched on finds its UART.
     */
    public void discardUnread() {
        fdUse.readLock().lock();
        try {
            if (!closed.get()) {
                C.tcflush(keeper, TCIFLUSH);
            }
        } finally {
            fdUse.readLock().unlock();
        }
    }

    /** Idempotent; a reader or writer blocked on this pty returns at once (-1, or an IOException for a writer). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // The pipe stays readable from now on, so every poll in progress or to come returns at once.
        try (Arena arena = Arena.ofConfined()) {
            C.write(wakeWrite, arena.allocate(1), 1);
        }
        fdUse.writeLock().lock();
        try {
            C.close(keeper);
            C.close(master);
            C.close(wakeRead);
            C.close(wakeWrite);
        } finally {
            fdUse.writeLock().unlock();
        }
        LOG.debug("pseudo-terminal {} closed", device);
    }

    @Override
    public String toString() {
        return "PseudoTerminal[" + device + (closed.get() ? ", closed]" : "]");
    }

    /**
     * Waits in poll(2) on the master and the wake pipe, for at most {@code sliceMs}.
     *
     * @return the master's revents, or -1 once closed
     */
    private int pollMaster(Arena arena, short events, int sliceMs) throws IOException {
        MemorySegment fds = arena.allocate(Native.POLLFD, 2);
        fds.set(ValueLayout.JAVA_INT, 0, master);
        fds.set(ValueLayout.JAVA_SHORT, 4, events);
        fds.set(ValueLayout.JAVA_INT, 8, wakeRead);
        fds.set(ValueLayout.JAVA_SHORT, 12, POLLIN);
        int n = C.poll(fds, 2, sliceMs);
        if (n < 0) {
            if (C.lastErrno() == EINTR) {
                return 0;
            }
            throw new IOException(device + ": poll failed: " + C.strerror(C.lastErrno()));
        }
        if (closed.get() || fds.get(ValueLayout.JAVA_SHORT, 14) != 0) {
            return -1;
        }
        int revents = fds.get(ValueLayout.JAVA_SHORT, 6);
        if ((revents & POLLNVAL) != 0) {
            throw new IOException(device + ": master descriptor is not valid");
        }
        return revents;
    }

    /** Sleeps on the wake pipe alone; used only while the kernel reports no reader on the far side. */
    private void idle(Arena arena, int ms) {
        MemorySegment fds = arena.allocate(Native.POLLFD, 1);
        fds.set(ValueLayout.JAVA_INT, 0, wakeRead);
        fds.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
        C.poll(fds, 1, ms);
    }

    private final class TerminalIn extends InputStream {

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            readers.lock();
            fdUse.readLock().lock();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(len);
                while (true) {
                    if (closed.get()) {
                        return -1;
                    }
                    if (Thread.interrupted()) {
                        throw new InterruptedIOException(device + ": interrupted while reading");
                    }
                    int revents = pollMaster(arena, POLLIN, POLL_SLICE_MS);
                    if (revents < 0) {
                        return -1;
                    }
                    if ((revents & POLLIN) != 0) {
                        long n = C.read(master, buf, len);
                        if (n > 0) {
                            MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, b, off, (int) n);
                            return (int) n;
                        }
                        int errno = n < 0 ? C.lastErrno() : EIO;
                        if (errno != EAGAIN && errno != EINTR && errno != EIO) {
                            throw new IOException(device + ": read failed: " + C.strerror(errno));
                        }
                    } else if ((revents & (POLLHUP | POLLERR)) != 0) {
                        // No slave open (cannot happen while the keeper is held, kept as a guard):
                        // the kernel gives no event when one opens, so wait on the wake pipe a little
                        // rather than spin on a poll that returns at once.
                        idle(arena, 100);
                    }
                }
            } finally {
                fdUse.readLock().unlock();
                readers.unlock();
            }
        }

        @Override
        public void close() {
            PseudoTerminal.this.close();
        }
    }

    private final class TerminalOut extends OutputStream {

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            writers.lock();
            fdUse.readLock().lock();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(Math.max(1, len));
                MemorySegment.copy(b, off, buf, ValueLayout.JAVA_BYTE, 0, len);
                long done = 0;
                long blockedSince = 0;
                while (done < len) {
                    if (closed.get()) {
                        throw new IOException(device + ": pseudo-terminal is closed");
                    }
                    long n = C.write(master, buf.asSlice(done), len - done);
                    if (n > 0) {
                        done += n;
                        blockedSince = 0;
                        continue;
                    }
                    int errno = n < 0 ? C.lastErrno() : EAGAIN;
                    if (errno == EINTR) {
                        continue;
                    }
                    if (errno != EAGAIN) {
                        throw new IOException(device + ": write failed: " + C.strerror(errno));
                    }
                    long now = System.nanoTime();
                    if (blockedSince == 0) {
                        blockedSince = now;
                    } else if (now - blockedSince >= UNREAD_GRACE_NANOS) {
                        C.tcflush(keeper, TCIFLUSH);
                        LOG.debug("{}: nobody read the line for {} ms; dropped what was queued, as a wire would",
                                device, UNREAD_GRACE_NANOS / 1_000_000);
                        blockedSince = 0;
                        continue;
                    }
                    if (Thread.interrupted()) {
                        throw new InterruptedIOException(device + ": interrupted while writing");
                    }
                    if (pollMaster(arena, POLLOUT, 100) < 0) {
                        throw new IOException(device + ": pseudo-terminal is closed");
                    }
                }
            } finally {
                fdUse.readLock().unlock();
                writers.unlock();
            }
        }

        @Override
        public void close() {
            PseudoTerminal.this.close();
        }
    }

    /** The libc functions this class calls, bound once. errno is captured by the linker, per call. */
    private static final class Native {

        static final MemoryLayout POLLFD = MemoryLayout.structLayout(
                ValueLayout.JAVA_INT.withName("fd"),
                ValueLayout.JAVA_SHORT.withName("events"),
                ValueLayout.JAVA_SHORT.withName("revents"));

        private static final ThreadLocal<Integer> ERRNO = ThreadLocal.withInitial(() -> 0);

        private final Linker linker = Linker.nativeLinker();
        private final SymbolLookup libc = linker.defaultLookup();
        private final MemoryLayout captureLayout = Linker.Option.captureStateLayout();
        private final VarHandle errnoHandle =
                captureLayout.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        private final Linker.Option captureErrno = Linker.Option.captureCallState("errno");

        private final MethodHandle posixOpenpt = errnoFn("posix_openpt",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        private final MethodHandle grantpt = errnoFn("grantpt",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        private final MethodHandle unlockpt = errnoFn("unlockpt",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        private final MethodHandle ptsnameR = fn("ptsname_r",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        private final MethodHandle open = errnoFn("open",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                Linker.Option.firstVariadicArg(2));
        private final MethodHandle fcntl = errnoFn("fcntl",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                Linker.Option.firstVariadicArg(2));
        private final MethodHandle tcgetattr = errnoFn("tcgetattr",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        private final MethodHandle cfmakeraw = fn("cfmakeraw",
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        private final MethodHandle tcsetattr = errnoFn("tcsetattr",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        private final MethodHandle tcflush = errnoFn("tcflush",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        private final MethodHandle pipe2 = errnoFn("pipe2",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        private final MethodHandle poll = errnoFn("poll",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        private final MethodHandle read = errnoFn("read",
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        private final MethodHandle write = errnoFn("write",
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        private final MethodHandle close = errnoFn("close",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        private final MethodHandle strerror = fn("strerror",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

        private MethodHandle fn(String name, FunctionDescriptor fd, Linker.Option... options) {
            MemorySegment symbol = libc.find(name)
                    .orElseThrow(() -> new IllegalStateException("libc has no " + name));
            return linker.downcallHandle(symbol, fd, options);
        }

        private MethodHandle errnoFn(String name, FunctionDescriptor fd, Linker.Option... extra) {
            Linker.Option[] options = java.util.Arrays.copyOf(extra, extra.length + 1);
            options[extra.length] = captureErrno;
            return fn(name, fd, options);
        }

        /** The errno of the last call on this thread through one of the errno-capturing handles. */
        int lastErrno() {
            return ERRNO.get();
        }

        int check(String what, int rc) {
            if (rc < 0) {
                throw new IllegalStateException(what + " failed: " + strerror(lastErrno()));
            }
            return rc;
        }

        String strerror(int errno) {
            try {
                MemorySegment text = (MemorySegment) strerror.invokeExact(errno);
                return text.reinterpret(1024).getString(0) + " (errno " + errno + ")";
            } catch (Throwable t) {
                return "errno " + errno;
            }
        }

        private Object call(MethodHandle h, Object... args) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(captureLayout);
                Object[] all = new Object[args.length + 1];
                all[0] = state;
                System.arraycopy(args, 0, all, 1, args.length);
                Object result = h.invokeWithArguments(all);
                ERRNO.set((int) errnoHandle.get(state, 0L));
                return result;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        int posixOpenpt(int flags) {
            return (int) call(posixOpenpt, flags);
        }

        int grantpt(int fd) {
            return (int) call(grantpt, fd);
        }

        int unlockpt(int fd) {
            return (int) call(unlockpt, fd);
        }

        int ptsnameR(int fd, MemorySegment buf, long size) {
            try {
                return (int) ptsnameR.invokeExact(fd, buf, size);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        int open(String path, int flags) {
            try (Arena arena = Arena.ofConfined()) {
                return (int) call(open, arena.allocateFrom(path), flags, 0);
            }
        }

        int fcntl(int fd, int cmd, int arg) {
            return (int) call(fcntl, fd, cmd, arg);
        }

        int tcgetattr(int fd, MemorySegment termios) {
            return (int) call(tcgetattr, fd, termios);
        }

        void cfmakeraw(MemorySegment termios) {
            try {
                cfmakeraw.invokeExact(termios);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        int tcsetattr(int fd, int action, MemorySegment termios) {
            return (int) call(tcsetattr, fd, action, termios);
        }

        int tcflush(int fd, int queue) {
            return (int) call(tcflush, fd, queue);
        }

        int[] pipe() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
                check("pipe2", (int) call(pipe2, fds, O_CLOEXEC | O_NONBLOCK));
                return new int[] {fds.getAtIndex(ValueLayout.JAVA_INT, 0), fds.getAtIndex(ValueLayout.JAVA_INT, 1)};
            }
        }

        int poll(MemorySegment fds, long count, int timeoutMs) {
            return (int) call(poll, fds, count, timeoutMs);
        }

        long read(int fd, MemorySegment buf, long count) {
            return (long) call(read, fd, buf, count);
        }

        long write(int fd, MemorySegment buf, long count) {
            return (long) call(write, fd, buf, count);
        }

        int close(int fd) {
            return (int) call(close, fd);
        }
    }
}
