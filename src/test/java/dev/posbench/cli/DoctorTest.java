package dev.posbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code posbench doctor} on the simulated rig: ready when it is, and naming what is not. */
class DoctorTest {

    @Test
    void theSimulatedRigIsReady() {
        PosbenchRun doctor = PosbenchRun.execute("doctor");
        assertEquals(ExitCode.PASSED, doctor.exitCode(), doctor.out() + doctor.err());
        assertTrue(doctor.out().contains("ok    GPIO: simulated (Pi4J mock platform)"), doctor.out());
        assertTrue(doctor.out().strip().endsWith("ready: every check passed"), doctor.out());
        assertFalse(doctor.out().contains("FAIL"), doctor.out());
    }

    @Test
    void aBankPortAnotherProgramHoldsIsNamedWithItsFix() throws IOException {
        try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path config = BadInputTest.copyOfBenchConfig();
            Path bank = config.resolve("bank.yaml");
            String yaml = Files.readString(bank);
            assertTrue(yaml.contains("listen: 127.0.0.1:0"), "the sample bank listens on a free loopback port");
            Files.writeString(bank, yaml.replace("listen: 127.0.0.1:0", "listen: 127.0.0.1:" + holder.getLocalPort()));
            PosbenchRun doctor = PosbenchRun.execute("doctor", "--config", config.toString());
            assertEquals(ExitCode.BAD_INPUT, doctor.exitCode(), doctor.out() + doctor.err());
            assertTrue(doctor.out().contains("FAIL  bank " + bank + ": ") && doctor.out().contains("port "
                    + holder.getLocalPort()), doctor.out());
            assertTrue(doctor.out().contains("fix: stop what holds the port"), doctor.out());
            assertTrue(doctor.out().contains("not ready: 1 check failed"), doctor.out());
        }
    }
}
