package dev.posbench.bench;

import dev.posbench.BadInputException;
import dev.posbench.bank.BankSpec;
import dev.posbench.bank.FakeBank;
import dev.posbench.cards.TestCard;
import dev.posbench.config.BenchConfig;
import dev.posbench.emulator.Defect;
import dev.posbench.rig.Rig;
import dev.posbench.rig.RigSpec;
import dev.posbench.sim.SimulatedTerminal;
import dev.posbench.sim.TerminalProgram;
import dev.posbench.terminal.SerialLink;
import dev.posbench.terminal.TerminalProfile;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bench, assembled from its configuration: the rig, the serial link to the terminal, and the
 * faked bank; on the simulated rig also the serial cable, the mechanics model and the terminal
 * program behind the terminal contract. It opens the parts that can refuse (the serial port first: a busy port ends the run
 * before any pin moves) and closes them in reverse, always leaving the rig's outputs at their safe levels.
 */
public final class Bench implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Bench.class);

    private final BenchConfig config;
    private final String id;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private Rig rig;
    private SerialLink link;
    private FakeBank bank;
    private TerminalStrategy strategy;
    private TerminalProgram program;

    private Bench(BenchConfig config, String id) {
        this.config = config;
        this.id = id;
    }

    /**
     * @param extraDefects seeded defects to add to those in rig.yaml (simulated rig only)
     */
    public static Bench start(BenchConfig config, Set<String> extraDefects) {
        return start(config, extraDefects, "bench-1");
    }

    /**
     * @param extraDefects seeded defects to add to those in rig.yaml (simulated rig only)
     * @param id           the bench's name in the evidence, when a run has several ("bench-2")
     */
    public static Bench start(BenchConfig config, Set<String> extraDefects, String id) {
        Bench bench = new Bench(config, id);
        try {
            bench.open(extraDefects);
            return bench;
        } catch (RuntimeException | Error e) {
            bench.close();
            throw e;
        }
    }

    private void open(Set<String> extraDefects) {
        openParts(extraDefects);
        strategy = new TerminalStrategy(rig, link, config.profile(), Optional.ofNullable(program));
    }

    private void openParts(Set<String> extraDefects) {
        RigSpec spec = config.rig();
        TerminalProfile profile = config.profile();
        Set<Defect> defects = defects(extraDefects);
        if (spec.kind() == RigSpec.Kind.PI) {
            if (!defects.isEmpty()) {
                throw new BadInputException(config.dir().resolve("rig.yaml") + ": sim.defects",
                        "seeded defects exist only on the simulated rig (kind: sim)");
            }
            link = keep(SerialLink.open(spec.serialPort(), profile.serial()));
            // no chip, no run: a Pi rig never falls back to mock pins (doctor gives the same message)
            Rig.checkChip(spec, config.dir().resolve("rig.yaml").toString());
            rig = keep(Rig.onPi(spec));
            bank = keep(startBank());
            return;
        }
        if (!defects.isEmpty() && !config.program().orElseThrow().isReferenceTerminal()) {
            throw new BadInputException(config.programField(), "seeded defects (sim.defects, --sim-defect) exist only "
                    + "in posbench's reference terminal, and this command runs another program");
        }
        SimulatedTerminal sim = keep(SimulatedTerminal.cable());
        link = keep(SerialLink.open(sim.benchDevice().toString(), profile.serial()));
        rig = keep(Rig.simulated(spec));
        bank = keep(startBank());
        SerialLink serial = link;
        List<String> defectNames = defects.stream().map(d -> d.name().toLowerCase().replace('_', '-')).toList();
        sim.connect(rig.pi4j(), spec, config.deck().cards().values(), config.program().orElseThrow(),
                config.programField(), config.dir(), profile.file(), bank.url().toString(), config.hostDialect().name(), defectNames,
                why -> serial.transcript().halt(why));
        program = sim.program();
        if (!defects.isEmpty()) {
            LOG.info("simulated terminal carries seeded defects {}", defects);
        }
    }

    private Set<Defect> defects(Set<String> extra) {
        Set<String> names = new LinkedHashSet<>(config.rig().simDefects());
        names.addAll(extra);
        Set<Defect> defects = EnumSet.noneOf(Defect.class);
        for (String name : names) {
            try {
                defects.add(Defect.valueOf(name.strip().toUpperCase().replace('-', '_')));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("seeded defect \"" + name + "\" (rig.yaml sim.defects or --sim-defect)",
                        "unknown; known defects: " + knownDefects());
            }
        }
        return defects;
    }

    public static String knownDefects() {
        return EnumSet.allOf(Defect.class).stream()
                .map(d -> d.name().toLowerCase().replace('_', '-'))
                .collect(Collectors.joining(", "));
    }

    /** The bank in the terminal's dialect, its hold times derived from the terminal's host timeout. */
    private FakeBank startBank() {
        return FakeBank.start(config.bank(), config.hostDialect(), config.profile().timeouts().host(), issuerPins());
    }

    /** The issuer knows its cardholders' PINs: the faked bank verifies PIN blocks against the deck. */
    private Map<String, String> issuerPins() {
        return config.deck().cards().values().stream()
                .collect(Collectors.toMap(TestCard::pan, TestCard::pin, (a, b) -> a));
    }

    private <T extends AutoCloseable> T keep(T part) {
        opened.push(part);
        return part;
    }

    public BenchConfig config() {
        return config;
    }

    /** The bench's name in the evidence: which of a run's benches ran a scenario. */
    public String id() {
        return id;
    }

    public Rig rig() {
        return rig;
    }

    public SerialLink link() {
        return link;
    }

    public FakeBank bank() {
        return bank;
    }

    /** The terminal program, on the simulated rig. */
    public Optional<TerminalProgram> program() {
        return Optional.ofNullable(program);
    }

    /**
     * posbench was told to stop: the rig goes safe and refuses motions, and every wait on the
     * terminal or the bank ends at once, so the scenario in progress ends now with {@code why}.
     */
    public void interrupt(String why) {
        if (rig != null) {
            rig.stop(why);
        }
        if (link != null) {
            link.transcript().halt(why);
        }
        if (bank != null) {
            bank.halt(why);
        }
    }

    /** How long the bench waits for a serial device that went away to come back (an adapter re-plugged, re-enumerated). */
    static final java.time.Duration DEVICE_RETURN = java.time.Duration.ofSeconds(10);

    /** Why the serial device is gone for good, once the bench gave up on it. */
    private String gone;

    /**
     * Before a scenario: if the terminal's serial device went away under the link (a rig fault,
     * not the terminal's), opens it again once it is back, and power-cycles the terminal (its
     * state is unknown). A device that does not come back within {@link #DEVICE_RETURN} ends the
     * run: this and every later scenario fail as a rig fault.
     *
     * @throws dev.posbench.RigFaultException when the device is gone
     */
    public synchronized void recoverLink() {
        if (gone != null) {
            throw new dev.posbench.RigFaultException("not run: " + gone);
        }
        if (!link.vanished()) {
            return;
        }
        String device = link.device();
        LOG.warn("serial device {} went away; waiting up to {} s for it to come back", device,
                DEVICE_RETURN.toSeconds());
        link.close();
        opened.remove(link);
        if (!SerialLink.awaitDevice(device, DEVICE_RETURN)) {
            gone = "the serial device " + device + " went away and did not come back within "
                    + DEVICE_RETURN.toSeconds() + " s (is the terminal's serial adapter plugged in?)";
            throw new dev.posbench.RigFaultException(gone);
        }
        try {
            link = keep(SerialLink.open(device, config.profile().serial()));
        } catch (RuntimeException e) {
            gone = "the serial device " + device + " came back but cannot be opened: " + e.getMessage();
            throw new dev.posbench.RigFaultException(gone);
        }
        LOG.info("serial device {} is back; the terminal is power-cycled, its state unknown", device);
        strategy = new TerminalStrategy(rig, link, config.profile(), Optional.ofNullable(program));
    }

    /** Why the serial device is gone for good, if the bench gave up on it. */
    public synchronized Optional<String> gone() {
        return Optional.ofNullable(gone);
    }

    /** How the bench brings the terminal to idle between scenarios. */
    public TerminalStrategy strategy() {
        return strategy;
    }

    /**
     * Rig first, so the actuators are safe before anything else goes; then the serial link, so the
     * terminal going away is not mistaken for a fault; then the rest in reverse order of opening.
     */
    @Override
    public void close() {
        if (rig != null) {
            try {
                rig.close();
            } catch (RuntimeException e) {
                LOG.error("could not bring the rig to its safe state", e);
            }
        }
        if (link != null) {
            link.close();
        }
        while (!opened.isEmpty()) {
            AutoCloseable part = opened.pop();
            if (part == rig || part == link) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
