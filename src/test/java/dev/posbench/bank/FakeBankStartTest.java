package dev.posbench.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.BadInputException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A bank that cannot start leaves nothing behind. Alone: it counts the JVM's Jetty threads, and
 * runs of the suite going on beside it start and stop banks of their own.
 */
@Isolated
class FakeBankStartTest {

    @Test
    void portInUseIsBadInput() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            long jettyThreadsBefore = jettyThreads();
            BadInputException e = assertThrows(BadInputException.class,
                    () -> FakeBank.start(FakeBankTest.spec(taken.getLocalPort(), FakeBankTest.BASE, FakeBankTest.ANSWERS),
                            Map.of()));
            assertEquals("bench-config/bank.yaml listen", e.where());
            assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e.getMessage());
            assertEquals(jettyThreadsBefore, jettyThreads(), "the failed start left no Jetty threads behind");
        }
    }

    static long jettyThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("qtp")).count();
    }
}
