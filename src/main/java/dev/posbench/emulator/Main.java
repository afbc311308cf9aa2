package dev.posbench.emulator;

import dev.posbench.channel.HostDialect;
import dev.posbench.channel.IsoFrames;
import dev.posbench.channel.WorldMessage;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The reference terminal as a program of its own, started by posbench through the terminal
 * contract ({@code docs/terminal-contract.md}) exactly as a vendor's simulator is:
 *
 * <pre>java -cp ... dev.posbench.emulator.Main --profile terminals/reference.yaml --bank-config bank.yaml</pre>
 *
 * <p>Everything else comes from the contract's environment. It runs until the bench kills it (a
 * power cut) or closes the world socket; it exits 2 on bad arguments or environment.
 */
public final class Main {

    static final String PROGRAM = "posbench-reference-terminal";
    static final String VERSION = "1.0";

    private Main() {}

    public static void main(String[] args) {
        try {
            run(args);
            System.exit(0);
        } catch (FirmwareFiles.Invalid | IllegalArgumentException e) {
            System.err.println(PROGRAM + ": " + e.getMessage());
            System.exit(2);
        } catch (IOException e) {
            System.err.println(PROGRAM + ": " + e.getMessage());
            System.exit(3);
        } catch (InterruptedException e) {
            System.exit(3);
        }
    }

    private static void run(String[] args) throws IOException, InterruptedException {
        Path profile = null;
        Path bankConfig = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--profile" -> profile = Path.of(value(args, ++i, "--profile"));
                case "--bank-config" -> bankConfig = Path.of(value(args, ++i, "--bank-config"));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (usage: --profile FILE --bank-config FILE)");
            }
        }
        if (profile == null || bankConfig == null) {
            throw new IllegalArgumentException("usage: --profile FILE --bank-config FILE");
        }
        if (!String.valueOf(WorldMessage.VERSION).equals(System.getenv("POSBENCH_CONTRACT"))) {
            throw new IllegalArgumentException("POSBENCH_CONTRACT is \"" + System.getenv("POSBENCH_CONTRACT")
                    + "\"; this terminal speaks contract version " + WorldMessage.VERSION);
        }
        // the profile says which dialect this terminal speaks; the bench must have faked that very bank
        HostDialect dialect = FirmwareFiles.hostDialect(profile);
        String benchDialect = env("POSBENCH_BANK_DIALECT");
        if (!benchDialect.equals(dialect.name())) {
            throw new IllegalArgumentException("POSBENCH_BANK_DIALECT " + benchDialect + ": this terminal's profile speaks "
                    + dialect.name());
        }
        Settings settings = FirmwareFiles.read(profile, bankConfig, defects(System.getenv("POSBENCH_SEEDED_DEFECTS")));
        URI bankAddress = URI.create(env("POSBENCH_BANK"));
        Wire bank = switch (dialect) {
            case HostDialect.JsonHttp j -> new HttpWire(bankAddress, settings.macKeyHex());
            case HostDialect.Iso8583Tcp(IsoFrames.Layout layout) -> {
                try {
                    yield new IsoTcpWire(bankAddress, IsoFrames.load(layout), FirmwareFiles.retailMacKey(bankConfig));
                } catch (IsoFrames.BadDefinition e) {
                    throw new IllegalArgumentException(e.getMessage());
                }
            }
        };
        Path flashDir = Path.of(env("POSBENCH_FLASH"));
        if (!Files.isDirectory(flashDir)) {
            throw new IllegalArgumentException("POSBENCH_FLASH " + flashDir + " is not a folder");
        }
        // A tty opened for reading and once more for writing: the line discipline (raw) was set by
        // the bench's side of the cable, and a plain file stream is all a raw tty needs.
        String serial = env("POSBENCH_SERIAL");
        FileInputStream serialIn = new FileInputStream(serial);
        FileOutputStream serialOut = new FileOutputStream(serial);
        try (WorldLink world = WorldLink.connect(env("POSBENCH_WORLD"), PROGRAM, VERSION);
                ReferenceTerminal terminal = new ReferenceTerminal(settings, FirmwareFiles.console(profile), serialIn,
                        serialOut, bank, world,
                        new Flash(flashDir, !settings.has(Defect.VOLATILE_REVERSAL)))) {
            world.start(terminal);
            terminal.power(true);
            world.awaitClosed();
        }
    }

    private static Set<Defect> defects(String names) {
        Set<Defect> defects = EnumSet.noneOf(Defect.class);
        if (names == null || names.isBlank()) {
            return defects;
        }
        for (String name : names.split(",")) {
            try {
                defects.add(Defect.valueOf(name.strip().toUpperCase(Locale.ROOT).replace('-', '_')));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("POSBENCH_SEEDED_DEFECTS: unknown defect \"" + name.strip() + "\"");
            }
        }
        return defects;
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set: start this program through posbench's terminal contract");
        }
        return value;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
