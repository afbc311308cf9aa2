package dev.posbench.bank;

import dev.posbench.channel.HostDialect;
import dev.posbench.channel.IsoFrames;
import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.PinBlock;
import dev.posbench.config.BenchConfig;
import java.io.BufferedInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * How many authorizations per second the faked bank serves on loopback in the iso8583-tcp dialect,
 * and how long each takes: real TCP connections (one per authorization, as the reference terminal
 * opens them), the request MAC checked, WireMock asked over HTTP, the answer packed and signed.
 * Prints its figures; it asserts nothing (a timed test would fail on a busy machine for nothing).
 *
 * <pre>./posbench check          # builds, and writes target/runtime-classpath.txt
 * mvn -q -o test-compile
 * java -cp target/classes:target/test-classes:$(cat target/runtime-classpath.txt) \
 *     dev.posbench.bank.BankBenchmark [clients, default 2] [authorizations, default 10000]</pre>
 */
public final class BankBenchmark {

    private static final String PAN = "6212345678901234";

    private BankBenchmark() {}

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int total = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        BenchConfig config = BenchConfig.load(Path.of("bench-config"),
                Optional.of(Path.of("bench-config/terminals/reference-iso.yaml")));
        IsoFrames codec = IsoFrames.load(((HostDialect.Iso8583Tcp) config.hostDialect()).layout());
        BankSpec spec = config.bank();
        try (FakeBank bank = FakeBank.start(spec, config.hostDialect(), config.profile().timeouts().host(),
                Map.of(PAN, "1234"))) {
            URI address = bank.url();
            InetSocketAddress target = new InetSocketAddress(address.getHost(), address.getPort());
            run(codec, spec, target, clients, Math.max(1000, total / 5)); // warm-up: JIT, pools
            bank.reset();
            long started = System.nanoTime();
            long[] latencies = run(codec, spec, target, clients, total);
            double seconds = (System.nanoTime() - started) / 1e9;
            Arrays.sort(latencies);
            System.out.printf("iso8583-tcp bank on loopback: %d authorizations, %d clients, %.2f s%n", total, clients, seconds);
            System.out.printf("  throughput %.0f authorizations/s%n", total / seconds);
            System.out.printf("  latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    ms(latencies, 0.50), ms(latencies, 0.90), ms(latencies, 0.99), latencies[latencies.length - 1] / 1e6);
        }
    }

    private static long[] run(IsoFrames codec, BankSpec spec, InetSocketAddress target, int clients, int total)
            throws Exception {
        long[] latencies = new long[total];
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                        latencies[i] = authorize(codec, spec, target, i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        }
        return latencies;
    }

    private static long authorize(IsoFrames codec, BankSpec spec, InetSocketAddress target, int n) throws Exception {
        String stan = "%06d".formatted(n % 1_000_000);
        IsoMessage request = new IsoMessage("0100", Map.of(2, PAN, 3, "000000", 4, "000000006600", 11, stan,
                22, "021", 41, "PB000001", 42, "898440153110001", 49, "156",
                52, PinBlock.encrypt("1234", PAN, spec.pinKeyHex())));
        byte[] frame = codec.frame(codec.signed(codec.pack(codec.layout().prefix(), IsoFrames.withMacPlaceholder(request)),
                spec.retailMacKeyHex()));
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(target, 2000);
            OutputStream out = socket.getOutputStream();
            out.write(frame);
            out.flush();
            byte[] answer = codec.read(new BufferedInputStream(socket.getInputStream()));
            long took = System.nanoTime() - start;
            IsoMessage decoded = codec.unpack(answer).message();
            if (!decoded.field(39).equals(Optional.of("00")) || !decoded.field(11).equals(Optional.of(stan))) {
                throw new IllegalStateException("not an approval of STAN " + stan + ": " + decoded);
            }
            return took;
        }
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }
}
