package dev.posbench.cli;

import dev.posbench.BadInputException;
import dev.posbench.bank.FakeBank;
import dev.posbench.config.BenchConfig;
import dev.posbench.rig.Rig;
import dev.posbench.rig.RigSpec;
import dev.posbench.sim.PseudoTerminal;
import dev.posbench.sim.TerminalCommand;
import dev.posbench.terminal.SerialLink;
import dev.posbench.terminal.TerminalProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code posbench doctor}: before a night's run, checks that the rig is ready: the JDK, the
 * configuration (profile and deck), the GPIO chip and every pin, the serial device and its
 * permissions, the bank's port and listen address, the terminal program. Each check that fails
 * says what is wrong and how to fix it. Exit 0 only when every check passed, 2 otherwise.
 *
 * <p>It uses the same parts a run uses (the rig's pins are claimed and left at their safe levels,
 * the serial device is opened and closed, the bank starts and stops), so "ready" means a run would
 * get past them.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check that the rig is ready for a run: JDK, GPIO, serial device, bank, profile, deck, terminal program.")
final class DoctorCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "DIR", defaultValue = "bench-config",
            description = "Configuration folder (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--profile", paramLabel = "FILE", description = "A terminal profile instead of the one rig.yaml names.")
    Path profile;

    /** The JDK posbench needs. */
    static final int JDK = 25;

    /** One check's verdict: what was checked, what was found, and when it failed, how to fix it. */
    record Finding(boolean ok, String what, String found, String fix) {
        static Finding ok(String what, String found) {
            return new Finding(true, what, found, "");
        }

        static Finding fail(String what, String found, String fix) {
            return new Finding(false, what, found, fix);
        }
    }

    @Override
    public Integer call() {
        List<Finding> findings = new ArrayList<>();
        findings.add(jdk());
        BenchConfig loaded;
        try {
            loaded = BenchConfig.load(config, Optional.ofNullable(profile));
        } catch (BadInputException e) {
            findings.add(Finding.fail("configuration " + config, e.getMessage(),
                    "correct that field; `./posbench check` checks the configuration alone"));
            return report(findings, "?");
        }
        findings.add(Finding.ok("configuration " + config, "rig.yaml, cards.yaml, bank.yaml and the profile load"));
        findings.add(profileFinding(loaded.profile()));
        findings.add(Finding.ok("deck " + config.resolve("cards.yaml"), loaded.deck().cards().size()
                + " cards, every slot within the card selector's reach"));
        RigSpec rig = loaded.rig();
        if (rig.kind() == RigSpec.Kind.PI) {
            findings.addAll(gpioOnPi(rig, loaded.dir().resolve("rig.yaml").toString()));
            findings.add(serialOnPi(rig, loaded.profile()));
        } else {
            findings.add(gpioSimulated(rig));
            findings.add(serialSimulated(loaded.profile()));
        }
        findings.addAll(bank(loaded, rig.kind()));
        loaded.program().ifPresent(p -> findings.add(program(p, loaded)));
        return report(findings, rig.kind().name().toLowerCase(java.util.Locale.ROOT));
    }

    private int report(List<Finding> findings, String kind) {
        spec.commandLine().getOut().println("posbench doctor: " + config + " (kind: " + kind + ")");
        for (Finding f : findings) {
            spec.commandLine().getOut().println((f.ok() ? "  ok    " : "  FAIL  ") + f.what() + ": " + f.found());
            if (!f.ok()) {
                spec.commandLine().getOut().println("        fix: " + f.fix());
            }
        }
        long failed = findings.stream().filter(f -> !f.ok()).count();
        if (failed == 0) {
            spec.commandLine().getOut().println("ready: every check passed");
            return ExitCode.PASSED;
        }
        spec.commandLine().getOut().println("not ready: " + failed + (failed == 1 ? " check failed" : " checks failed"));
        return ExitCode.BAD_INPUT;
    }

    static Finding jdk() {
        Runtime.Version v = Runtime.version();
        String home = System.getProperty("java.home");
        if (v.feature() < JDK) {
            return Finding.fail("JDK", v + " at " + home, "install a JDK " + JDK + " (Temurin); the launcher finds it in"
                    + " JAVA_HOME, PATH, /usr/lib/jvm, /opt or ~/.sdkman");
        }
        return Finding.ok("JDK", v + " at " + home);
    }

    private static Finding profileFinding(TerminalProfile p) {
        String link = switch (p.serial().link()) {
            case TerminalProfile.Link.Lines l -> "text lines";
            case TerminalProfile.Link.Frames(var format) -> "ECR frames " + format.describe();
        };
        String silent = p.silentPrompts().isEmpty() ? "" : "; prompts it does not send (timed waits): "
                + p.silentPrompts().entrySet().stream().map(e -> e.getKey() + " " + e.getValue().toMillis() + " ms")
                .sorted().collect(Collectors.joining(", "));
        return Finding.ok("terminal profile " + p.file(), "\"" + p.name() + "\", serial " + p.serial().baud() + " baud, "
                + link + silent);
    }

    /** The chip, then every pin claimed through gpiod and left at its safe level. */
    private static List<Finding> gpioOnPi(RigSpec rig, String rigFile) {
        List<Finding> out = new ArrayList<>();
        String pins = pinList(rig);
        try {
            Rig.checkChip(rig, rigFile);
        } catch (BadInputException e) {
            out.add(Finding.fail("GPIO chip", e.getMessage(), "run posbench on the rig's Raspberry Pi (gpiodetect"
                    + " lists its chips; set rig.yaml gpio.chip to one), or, in a container, pass the device through"
                    + " (--device /dev/gpiochip0); on a machine without a rig use kind: sim"));
            out.add(Finding.fail("GPIO pins", "not checked without the chip: " + pins, "fix the GPIO chip first"));
            return out;
        }
        out.add(Finding.ok("GPIO chip", "/dev/" + rig.gpioChip()));
        try (Rig claimed = Rig.onPi(rig)) {
            out.add(Finding.ok("GPIO pins", "claimed and left at their safe levels: " + pins));
        } catch (RuntimeException e) {
            out.add(Finding.fail("GPIO pins", e.getMessage(), "free the line (another program holds it: gpioinfo shows"
                    + " the consumer), or give the mechanism another pin in rig.yaml"));
        }
        return out;
    }

    private static Finding gpioSimulated(RigSpec rig) {
        try (Rig claimed = Rig.simulated(rig)) {
            return Finding.ok("GPIO", "simulated (Pi4J mock platform): " + pinList(rig));
        } catch (RuntimeException e) {
            return Finding.fail("GPIO", e.getMessage(), "correct rig.yaml gpio");
        }
    }

    /** Every pin by mechanism, as rig.yaml wires them. */
    private static String pinList(RigSpec rig) {
        RigSpec.Sensors sn = rig.safety().sensors();
        StringBuilder b = new StringBuilder("outputs BCM ");
        b.append(rig.cardSelector().stream().map(String::valueOf).collect(Collectors.joining(","))).append(" (card selector), ")
                .append(rig.swipe().pin()).append(" (swipe), ").append(rig.insert().pin()).append(" (insert), ")
                .append(rig.tap().pin()).append(" (tap), ").append(rig.power().pin()).append(" (power), ")
                .append(new java.util.TreeMap<>(rig.keys().pins()).values().stream().map(String::valueOf)
                        .collect(Collectors.joining(","))).append(" (keys); input BCM ").append(rig.emergencyStop())
                .append(" (emergency stop)");
        sn.cardSeated().ifPresent(p -> b.append(", ").append(p).append(" (card seated)"));
        sn.cardInDeck().ifPresent(p -> b.append(", ").append(p).append(" (card in deck)"));
        sn.carriageHome().ifPresent(p -> b.append(", ").append(p).append(" (carriage home)"));
        return b.toString();
    }

    /** The device, its permissions, then an open as a run does it. */
    private static Finding serialOnPi(RigSpec rig, TerminalProfile profile) {
        String what = "serial device " + rig.serialPort() + " (rig.yaml serial.port)";
        Path device = Path.of(rig.serialPort());
        if (!Files.exists(device)) {
            String present = devices("ttyUSB", "ttyACM", "ttyAMA", "serial");
            return Finding.fail(what, "no such device; present: " + (present.isEmpty() ? "none" : present),
                    "plug in the terminal's serial adapter, and put its path in rig.yaml serial.port"
                            + " (/dev/serial/by-id/... stays the same across reboots)");
        }
        if (!Files.isReadable(device) || !Files.isWritable(device)) {
            String group = "its group";
            try {
                group = "group " + Files.readAttributes(device, PosixFileAttributes.class).group().getName();
            } catch (IOException | UnsupportedOperationException e) {
                // the generic advice below still holds
            }
            return Finding.fail(what, "the user running posbench may not read and write it",
                    "add the user to " + group + " (sudo usermod -aG dialout $USER, then log in again)");
        }
        try (SerialLink link = SerialLink.open(rig.serialPort(), profile.serial())) {
            return Finding.ok(what, "opened at " + profile.serial().baud() + " baud and closed");
        } catch (BadInputException e) {
            return Finding.fail(what, e.getMessage(), "close the program that holds it, or check the adapter");
        }
    }

    private static Finding serialSimulated(TerminalProfile profile) {
        try (PseudoTerminal pty = PseudoTerminal.open();
                SerialLink link = SerialLink.open(pty.devicePath().toString(), profile.serial())) {
            return Finding.ok("serial", "simulated: a pseudo-terminal pair per run (one opened with jSerialComm and closed)");
        } catch (RuntimeException e) {
            return Finding.fail("serial", "cannot make a pseudo-terminal: " + e.getMessage(),
                    "posbench needs /dev/ptmx and --enable-native-access (the launcher passes it)");
        }
    }

    /** The bank started as a run starts it: its mappings, its port; and whether a terminal can reach it. */
    private static List<Finding> bank(BenchConfig loaded, RigSpec.Kind kind) {
        List<Finding> out = new ArrayList<>();
        String what = "bank " + loaded.dir().resolve("bank.yaml");
        int port = loaded.bank().port();
        try (FakeBank bank = FakeBank.start(loaded.bank(), Map.of())) {
            out.add(Finding.ok(what, "mappings load and it listens on " + bank.url()
                    + (port == 0 ? " (port 0: a free port per run)" : "")));
        } catch (BadInputException e) {
            out.add(Finding.fail(what, e.getMessage(), "stop what holds the port, or choose another in bank.yaml port"));
            return out;
        }
        if (kind == RigSpec.Kind.PI) {
            if (port == 0) {
                out.add(Finding.fail(what + " port", "0: a different port each run, which a real terminal cannot be told",
                        "set a fixed port in bank.yaml, and the same port as the host address in the terminal's setup"));
            }
            out.add(Finding.fail(what + " listen address", "127.0.0.1 (loopback): a terminal on its own network"
                    + " interface cannot reach it", "posbench's bank listens on loopback only; route the terminal's host"
                    + " connection to it through the Pi (for example an SSH tunnel or socat from the Pi's address to"
                    + " 127.0.0.1:" + (port == 0 ? "PORT" : port) + ")"));
        }
        return out;
    }

    private static Finding program(TerminalCommand program, BenchConfig loaded) {
        String what = "terminal program (" + loaded.programField() + ")";
        if (program.isReferenceTerminal()) {
            return Finding.ok(what, "posbench's reference terminal");
        }
        return Finding.ok(what, String.join(" ", program.argv()) + " in " + program.workdir()
                + " (found and executable; the contract is checked when it starts)");
    }

    private static String devices(String... prefixes) {
        try (var list = Files.list(Path.of("/dev"))) {
            return list.map(p -> p.getFileName().toString())
                    .filter(n -> java.util.Arrays.stream(prefixes).anyMatch(n::startsWith))
                    .sorted().map(n -> "/dev/" + n).collect(Collectors.joining(", "));
        } catch (IOException e) {
            return "";
        }
    }
}
