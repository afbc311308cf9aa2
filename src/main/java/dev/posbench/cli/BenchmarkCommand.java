package dev.posbench.cli;

import dev.posbench.WaitClock;
import dev.posbench.config.BenchConfig;
import dev.posbench.sim.PseudoTerminal;
import dev.posbench.terminal.Cursor;
import dev.posbench.terminal.SerialLink;
import dev.posbench.terminal.Transcript;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code posbench benchmark}: figures, not a pass or fail. How fast a wait is released when the
 * terminal's line arrives, how much of a run is the bench's own work rather than waiting on the
 * terminal and the bank, how much memory a run takes, and how the wall time falls with benches.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = {"Measure the bench on this machine and print the figures: serial wait latency, a run's "
                + "overhead over its waits, peak memory, and wall time with 1, 2 and 4 simulated benches.",
                "It runs the whole suite once per bench count: a few minutes."})
final class BenchmarkCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "DIR", defaultValue = "bench-config",
            description = "Configuration folder of a simulated rig (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "2000",
            description = "Lines timed for the serial wait latency (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--benches", paramLabel = "N", split = ",", defaultValue = "1,2,4",
            description = "Bench counts to time the whole suite with (default: ${DEFAULT-VALUE}).")
    List<Integer> benchCounts;

    @Option(names = "--tags", paramLabel = "EXPRESSION", description = "Only these scenarios in the suite runs.")
    String tags;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        BenchConfig loaded = BenchConfig.load(config, Optional.empty());
        out.println("posbench benchmark on " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.vm.name") + " " + Runtime.version());

        long[] latency = waitLatency(loaded, samples);
        out.println(String.format(Locale.ROOT, "serial wait latency (line written on the terminal's end -> waiting step "
                        + "released), %d lines: p50 %.3f ms, p99 %.3f ms, max %.3f ms",
                latency.length, ms(percentile(latency, 50)), ms(percentile(latency, 99)), ms(latency[latency.length - 1])));
        out.flush();

        List<String> rows = new ArrayList<>();
        Duration single = null;
        for (int benches : benchCounts) {
            long waitedBefore = WaitClock.total();
            long start = System.nanoTime();
            int code = suite(benches);
            Duration wall = Duration.ofNanos(System.nanoTime() - start);
            Duration waited = Duration.ofNanos(WaitClock.total() - waitedBefore);
            if (benches == 1) {
                single = wall;
                out.println(String.format(Locale.ROOT, "single bench: wall %.1f s, blocked on terminal, bank and motions "
                                + "%.1f s, overhead ratio (wall / waits) %.2f", secs(wall), secs(waited),
                        secs(wall) / Math.max(0.001, secs(waited))));
                out.println(String.format(Locale.ROOT, "peak memory after the single-bench run: posbench process RSS %d MB "
                        + "(VmHWM), Java heap used at most %d MB; each terminal program is a process of its own",
                        peakRssKb() / 1024, peakHeapBytes() / (1024 * 1024)));
            }
            rows.add(String.format(Locale.ROOT, "%d bench%s: wall %.1f s%s, exit %d", benches, benches == 1 ? "" : "es",
                    secs(wall), single == null || benches == 1 ? ""
                            : String.format(Locale.ROOT, " (%.0f%% of one bench)", 100 * secs(wall) / secs(single)),
                    code));
            out.println(rows.getLast());
            out.flush();
        }
        return ExitCode.PASSED;
    }

    /** Writes numbered lines on the terminal's end of a pseudo-terminal while a step waits for each one. */
    private static long[] waitLatency(BenchConfig loaded, int count) throws Exception {
        long[] took;
        try (PseudoTerminal pty = PseudoTerminal.open();
                SerialLink link = SerialLink.open(pty.devicePath().toString(), loaded.profile().serial())) {
            Transcript transcript = link.transcript();
            int warmup = 200;
            int n = Math.max(10, count);
            List<Long> samples = new ArrayList<>();
            for (int i = 0; i < warmup + n; i++) {
                Cursor cursor = transcript.cursorAtEnd();
                Pattern wanted = Pattern.compile("^TICK " + i + "$");
                CompletableFuture<Long> released = new CompletableFuture<>();
                Thread waiter = Thread.ofPlatform().start(() -> {
                    transcript.await(cursor, wanted, Duration.ofSeconds(5), "TICK");
                    released.complete(System.nanoTime());
                });
                // write only once the waiter sleeps on the transcript: the latency of a wake-up, not of a thread start
                while (waiter.getState() != Thread.State.WAITING && waiter.getState() != Thread.State.TIMED_WAITING) {
                    LockSupport.parkNanos(50_000);
                }
                long written = System.nanoTime();
                pty.terminalOut().write(("TICK " + i + "\r\n").getBytes(StandardCharsets.US_ASCII));
                long at = released.get(5, TimeUnit.SECONDS);
                if (i >= warmup) {
                    samples.add(at - written);
                }
            }
            took = samples.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        return took;
    }

    private int suite(int benches) throws IOException {
        Path reports = Files.createTempDirectory("posbench-benchmark");
        List<String> argv = new ArrayList<>(Arrays.asList("run", "--no-html", "--config", config.toString(),
                "--benches", String.valueOf(benches), "--reports", reports.toString()));
        if (tags != null) {
            argv.addAll(List.of("--tags", tags));
        }
        StringWriter ignored = new StringWriter();
        return Main.execute(new PrintWriter(ignored), new PrintWriter(ignored), argv.toArray(String[]::new));
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double secs(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** The process's peak resident set (VmHWM), in kB; 0 where /proc has none. */
    private static long peakRssKb() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElse(0L);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long peakHeapBytes() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getPeakUsage)
                .mapToLong(u -> u == null ? 0 : u.getUsed())
                .sum();
    }
}
