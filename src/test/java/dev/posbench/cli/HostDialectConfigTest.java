package dev.posbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The host dialect and the bank's address, as a user writes them: a mistake is named by file and field, exit code 2. */
class HostDialectConfigTest {

    @Test
    void checkSaysWhichDialectAndWhereTheBankListens() throws IOException {
        PosbenchRun iso = PosbenchRun.execute("check", "--profile", "bench-config/terminals/reference-iso.yaml");
        assertEquals(ExitCode.PASSED, iso.exitCode(), iso.err());
        assertTrue(iso.out().contains("the bank speaks iso8583-tcp on 127.0.0.1:(any free port)"), iso.out());
        assertFalse(iso.out().contains("NOTE"), "loopback is not worth a note: " + iso.out());

        Path config = BadInputTest.copyOfBenchConfig();
        Path bank = config.resolve("bank.yaml");
        Files.writeString(bank, Files.readString(bank).replace("listen: 127.0.0.1:0", "listen: 0.0.0.0:5000"));
        PosbenchRun open = PosbenchRun.execute("check", "--config", config.toString());
        assertEquals(ExitCode.PASSED, open.exitCode(), open.err());
        assertTrue(open.out().contains("the bank speaks json-http on 0.0.0.0:5000"), open.out());
        assertTrue(open.out().contains("NOTE the bank listens on 0.0.0.0, not loopback only"), open.out());
    }

    @Test
    void aWrongFramingFieldIsNamed() throws IOException {
        Path config = BadInputTest.copyOfBenchConfig();
        Path profile = config.resolve("terminals/reference-iso.yaml");
        Files.writeString(profile, Files.readString(profile).replace("lengthHeader: binary2", "lengthHeader: binary3"));
        PosbenchRun run = PosbenchRun.execute("check", "--config", config.toString(), "--profile", profile.toString());
        assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.out() + run.err());
        assertEquals("posbench: " + profile + ": host.lengthHeader: \"binary3\" should be one of binary2, ascii4, none",
                run.err().strip());
    }

    @Test
    void aBrokenFieldTableIsNamed() throws IOException {
        Path config = BadInputTest.copyOfBenchConfig();
        Path fields = config.resolve("iso8583/unionpay-style.xml");
        Files.writeString(fields, Files.readString(fields).replace("type=\"LLLBIN\"/>                <!-- chip data",
                "type=\"DATE10\"/>                <!-- chip data"));
        Path profile = config.resolve("terminals/reference-iso.yaml");
        PosbenchRun run = PosbenchRun.execute("check", "--config", config.toString(), "--profile", profile.toString());
        assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains(profile + ": host.fields: " + fields + ": parse type 0100 field 55: type DATE10"),
                run.err());
    }

    @Test
    void aListenThatIsNotHostAndPortIsNamed() throws IOException {
        Path config = BadInputTest.copyOfBenchConfig();
        Path bank = config.resolve("bank.yaml");
        Files.writeString(bank, Files.readString(bank).replace("listen: 127.0.0.1:0", "listen: 5000"));
        PosbenchRun run = PosbenchRun.execute("check", "--config", config.toString());
        assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains(bank + ": listen: \"5000\" is not host:port"), run.err());
    }
}
