package dev.posbench.config;

import dev.posbench.BadInputException;
import dev.posbench.bank.BankSpec;
import dev.posbench.channel.HostDialect;
import dev.posbench.channel.IsoFrames;
import dev.posbench.cards.CardDeck;
import dev.posbench.cards.TestCard;
import dev.posbench.cards.TestCard.ChipBehaviour;
import dev.posbench.cards.TestCard.StripeCondition;
import dev.posbench.cards.TestCard.Technology;
import dev.posbench.channel.FrameFormat;
import dev.posbench.channel.Key;
import dev.posbench.rig.RigSpec;
import dev.posbench.sim.TerminalCommand;
import dev.posbench.terminal.Outcome;
import dev.posbench.terminal.TerminalProfile;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Everything in a {@code bench-config/} folder, loaded and checked as a whole before anything is
 * switched on: a run with a bad field ends before the first pin moves.
 */
public record BenchConfig(Path dir, RigSpec rig, TerminalProfile profile, CardDeck deck, BankSpec bank,
        Optional<TerminalCommand> program, HostDialect hostDialect) {

    public static BenchConfig load(Path dir) {
        return load(dir, Optional.empty());
    }

    /**
     * @param profileOverride a terminal profile to use instead of {@code rig.yaml terminal.profile}
     *                        (the same rig and deck, another terminal or another setting of it)
     */
    public static BenchConfig load(Path dir, Optional<Path> profileOverride) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir.toString(), "no such configuration folder");
        }
        YamlFile rigFile = YamlFile.read(dir.resolve("rig.yaml"));
        RigSpec rig = rig(rigFile);
        Path profilePath = profileOverride.orElseGet(() -> dir.resolve(rigFile.child("terminal").text("profile")));
        if (profileOverride.isPresent() && !Files.isRegularFile(profilePath)) {
            throw new BadInputException(profilePath + " (--profile)", "no such terminal profile");
        }
        YamlFile profileFile = YamlFile.read(profilePath);
        TerminalProfile profile = profile(profileFile);
        HostDialect hostDialect = hostDialect(profileFile);
        CardDeck deck = deck(YamlFile.read(dir.resolve("cards.yaml")), rig);
        BankSpec bank = bank(YamlFile.read(dir.resolve("bank.yaml")), dir);
        Optional<TerminalCommand> program = rig.kind() == RigSpec.Kind.SIM
                ? Optional.of(program(rigFile.child("terminal"), dir))
                : Optional.empty();
        return new BenchConfig(dir, rig, profile, deck, bank, program, hostDialect);
    }

    /** The profile's {@code host} section: how the terminal talks to its bank (json-http when it has none). */
    static HostDialect hostDialect(YamlFile profile) {
        HostDialect dialect;
        try {
            dialect = HostDialect.parse(profile.raw("host"), profile.file());
        } catch (HostDialect.Invalid e) {
            throw new BadInputException(profile.file() + ": " + e.field(), e.getMessage());
        }
        if (dialect instanceof HostDialect.Iso8583Tcp(IsoFrames.Layout layout)) {
            try {
                IsoFrames.load(layout); // a broken field table ends the run here, before anything is switched on
            } catch (IsoFrames.BadDefinition e) {
                throw new BadInputException(profile.file() + ": host.fields", e.getMessage());
            }
        }
        return dialect;
    }

    /** Where messages about the terminal program point: the field that names it. */
    public String programField() {
        return dir.resolve("rig.yaml") + ": terminal.command";
    }

    /**
     * The terminal program of the simulated rig ({@code docs/terminal-contract.md}): a command
     * that can be found and run, in a folder that exists, with placeholders the contract defines.
     */
    static TerminalCommand program(YamlFile t, Path dir) {
        if (!t.has("command")) {
            throw t.error("command", "missing: the simulated rig runs the terminal under test as a program "
                    + "(docs/terminal-contract.md); the reference terminal's command is in bench-config/rig.yaml");
        }
        List<String> argv = t.texts("command");
        if (argv.isEmpty() || argv.getFirst().isBlank()) {
            throw t.error("command", "empty: give the program and its arguments, e.g. [\"python3\", \"terminal.py\"]");
        }
        Path workdir = dir.resolve(t.optionalText("workdir").orElse(".")).toAbsolutePath().normalize();
        if (!Files.isDirectory(workdir)) {
            throw t.error("workdir", workdir + " is not a folder");
        }
        java.time.Duration startTimeout = t.has("startTimeout") ? t.duration("startTimeout")
                : TerminalCommand.DEFAULT_START_TIMEOUT;
        if (startTimeout.isZero() || startTimeout.isNegative()) {
            throw t.error("startTimeout", "must be more than 0, e.g. 30s");
        }
        TerminalCommand command = new TerminalCommand(argv, workdir, startTimeout);
        List<String> unknown = command.unknownPlaceholders();
        if (!unknown.isEmpty()) {
            throw t.error("command", "unknown placeholder " + String.join(", ", unknown) + "; the contract defines "
                    + new TreeSet<>(TerminalCommand.PLACEHOLDERS).stream().map(p -> "${" + p + "}").toList());
        }
        String program = argv.getFirst();
        if (!program.equals("${java}") && findExecutable(program, workdir).isEmpty()) {
            throw t.error("command", "\"" + program + "\" is not an executable file"
                    + (program.contains("/") ? " (relative to " + workdir + ")" : " on the PATH"));
        }
        return command;
    }

    /** As the kernel's exec with a PATH search would find it: a name with a slash is a path, anything else is looked up. */
    private static Optional<Path> findExecutable(String program, Path workdir) {
        if (program.contains("/")) {
            Path p = workdir.resolve(program);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path p = Path.of(entry, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static RigSpec rig(YamlFile f) {
        RigSpec.Kind kind = f.choice("kind", RigSpec.Kind.class);
        YamlFile gpio = f.child("gpio");
        List<Integer> selector = gpio.integers("cardSelector");
        YamlFile swipe = gpio.child("swipe");
        YamlFile keys = gpio.child("keys");
        YamlFile keyPins = keys.child("pins");
        Map<Key, Integer> pins = new EnumMap<>(Key.class);
        for (String label : keyPins.fieldNames()) {
            Key key = Key.ofLabel(label).orElseThrow(() -> keyPins.error(label,
                    "is not a key; keys are 0-9, ENTER, CANCEL, CLEAR"));
            pins.put(key, keyPins.integer(label, 0, 63));
        }
        Set<String> defects = new LinkedHashSet<>();
        if (f.has("sim")) {
            defects.addAll(f.child("sim").texts("defects"));
        }
        RigSpec spec = new RigSpec(
                kind,
                f.child("serial").optionalText("port").orElse(""),
                gpio.optionalText("chip").orElse("gpiochip0"),
                selector,
                new RigSpec.Swipe(swipe.integer("pin", 0, 63), swipe.number("strokeMm"), swipe.number("nominalCmPerSecond")),
                actuator(gpio.child("insert")),
                actuator(gpio.child("tap")),
                actuator(gpio.child("power")),
                new RigSpec.Keys(pins, keys.millis("pressMs")),
                gpio.integer("emergencyStop", 0, 63),
                defects,
                safety(gpio, selector, swipe, keys, keyPins.fieldNames()));
        if (kind == RigSpec.Kind.PI && spec.serialPort().isBlank()) {
            throw f.error("serial.port", "missing: a Pi rig needs the terminal's serial device, e.g. /dev/ttyUSB0");
        }
        Set<Integer> seen = new TreeSet<>();
        for (int pin : spec.outputPins()) {
            if (!seen.add(pin)) {
                throw gpio.error("pin " + pin + " is given to two outputs");
            }
        }
        if (seen.contains(spec.emergencyStop())) {
            throw gpio.error("emergencyStop", "pin " + spec.emergencyStop() + " is also an output");
        }
        seen.add(spec.emergencyStop());
        for (int pin : spec.safety().sensors().pins()) {
            if (!seen.add(pin)) {
                throw gpio.error("sensors", "pin " + pin + " is also an output, the emergency stop or another sensor");
            }
        }
        return spec;
    }

    /**
     * How the outputs are wired and kept safe: each mechanism's {@code activeLevel} and
     * {@code safeLevel} (high or low; the safe level defaults to the inactive one), its optional
     * {@code maxOnMs}, {@code gpio.safeOrder}, the selector's travel, the keys' release gap, sensors.
     */
    private static RigSpec.Safety safety(YamlFile gpio, List<Integer> selector, YamlFile swipe, YamlFile keys,
            Iterable<String> keyLabels) {
        Map<Integer, RigSpec.Level> levels = new HashMap<>();
        Map<Integer, java.time.Duration> maxOn = new HashMap<>();
        RigSpec.Level selectorLevel = level(gpio, "cardSelectorActiveLevel", "cardSelectorSafeLevel");
        selector.forEach(pin -> levels.put(pin, selectorLevel));
        for (YamlFile section : List.of(swipe, gpio.child("insert"), gpio.child("tap"), gpio.child("power"))) {
            int pin = section.integer("pin", 0, 63);
            levels.put(pin, level(section, "activeLevel", "safeLevel"));
            if (section.has("maxOnMs")) {
                maxOn.put(pin, section.millis("maxOnMs"));
            }
        }
        RigSpec.Level keyLevel = level(keys, "activeLevel", "safeLevel");
        java.time.Duration press = keys.millis("pressMs");
        java.time.Duration keyMax = keys.has("maxOnMs") ? keys.millis("maxOnMs") : null;
        if (keyMax != null && keyMax.compareTo(press) <= 0) {
            throw keys.error("maxOnMs", keyMax.toMillis() + " ms is not longer than pressMs (" + press.toMillis()
                    + " ms): every key press would be cut short");
        }
        YamlFile keyPins = keys.child("pins");
        for (String label : keyLabels) {
            int pin = keyPins.integer(label, 0, 63);
            levels.put(pin, keyLevel);
            if (keyMax != null) {
                maxOn.put(pin, keyMax);
            }
        }
        YamlFile tap = gpio.child("tap");
        if (tap.has("maxOnMs") && tap.millis("maxOnMs").compareTo(tap.millis("travelMs")) <= 0) {
            throw tap.error("maxOnMs", "is not longer than travelMs: every tap would be cut short");
        }
        String order = gpio.optionalText("safeOrder").orElse("power-last");
        if (!order.equals("power-last") && !order.equals("power-first")) {
            throw gpio.error("safeOrder", "\"" + order + "\" should be power-last (the moving parts go safe, then the"
                    + " terminal's power) or power-first");
        }
        RigSpec.Sensors sensors = RigSpec.Sensors.NONE;
        if (gpio.has("sensors")) {
            YamlFile sn = gpio.child("sensors");
            sensors = new RigSpec.Sensors(optionalPin(sn, "cardSeated"), optionalPin(sn, "cardInDeck"),
                    optionalPin(sn, "carriageHome"),
                    sn.has("timeoutMs") ? sn.millis("timeoutMs") : java.time.Duration.ofSeconds(1));
        }
        return new RigSpec.Safety(levels, order.equals("power-first"), maxOn,
                gpio.has("cardSelectorTravelMs") ? gpio.millis("cardSelectorTravelMs") : java.time.Duration.ZERO,
                keys.has("releaseMs") ? keys.millis("releaseMs") : java.time.Duration.ZERO, sensors);
    }

    private static java.util.OptionalInt optionalPin(YamlFile f, String field) {
        return f.has(field) ? java.util.OptionalInt.of(f.integer(field, 0, 63)) : java.util.OptionalInt.empty();
    }

    /** An output's wiring: active high unless it says low; safe at its inactive level unless it says otherwise. */
    private static RigSpec.Level level(YamlFile f, String activeField, String safeField) {
        boolean activeHigh = highOrLow(f, activeField, true);
        boolean safeHigh = highOrLow(f, safeField, !activeHigh);
        return new RigSpec.Level(activeHigh, safeHigh);
    }

    private static boolean highOrLow(YamlFile f, String field, boolean otherwise) {
        Optional<String> s = f.optionalText(field);
        if (s.isEmpty()) {
            return otherwise;
        }
        return switch (s.get()) {
            case "high" -> true;
            case "low" -> false;
            default -> throw f.error(field, "\"" + s.get() + "\" should be high or low");
        };
    }

    private static RigSpec.Actuator actuator(YamlFile a) {
        return new RigSpec.Actuator(a.integer("pin", 0, 63), a.millis("travelMs"));
    }

    static TerminalProfile profile(YamlFile f) {
        YamlFile serial = f.child("serial");
        Charset charset;
        String charsetName = serial.text("charset");
        try {
            charset = Charset.forName(charsetName);
        } catch (IllegalArgumentException e) {
            throw serial.error("charset", "\"" + charsetName + "\" is not a character set this JVM knows");
        }
        YamlFile sale = f.child("sale");
        TerminalProfile.SaleStart saleStart = switch (sale.text("via")) {
            case "serial" -> new TerminalProfile.SaleStart.ViaSerial(sale.text("command"));
            case "keys" -> new TerminalProfile.SaleStart.ViaKeys(sale.texts("keys"));
            default -> throw sale.error("via", "should be serial or keys");
        };
        if (saleStart instanceof TerminalProfile.SaleStart.ViaKeys(List<String> keys)) {
            for (String k : keys) {
                if (!k.equals("{amount}") && Key.ofLabel(k).isEmpty()) {
                    throw sale.error("keys", "\"" + k + "\" is not a key (0-9, ENTER, CANCEL, CLEAR) or {amount}");
                }
            }
        }
        YamlFile t = f.child("timeouts");
        String reversal = t.text("reversal");
        if (!reversal.equals("at-once") && !reversal.equals("before-next-online")) {
            throw t.error("reversal", "\"" + reversal + "\" should be at-once or before-next-online");
        }
        TerminalProfile.Timeouts timeouts = new TerminalProfile.Timeouts(
                t.duration("boot"), t.duration("presentCard"), t.duration("pinEntry"), t.duration("otpEntry"),
                t.duration("host"), t.integer("reversalRetries", 0, 10), reversal.equals("at-once"));
        YamlFile c = f.child("capabilities");
        YamlFile speed = c.child("readerSpeed");
        TerminalProfile.Capabilities capabilities = new TerminalProfile.Capabilities(
                c.text("terminalId", "[0-9A-Za-z]{8}", "an 8-character terminal id"),
                c.text("merchantId", "[0-9A-Za-z]{15}", "a 15-character merchant id"),
                c.bool("fallback", false),
                c.bool("signOn", false),
                c.integer("contactlessCvmLimit", 0, Integer.MAX_VALUE),
                speed.number("minCmPerSecond"),
                speed.number("maxCmPerSecond"),
                c.texts("acceptedAids"),
                c.texts("acceptedBins"),
                cardReaders(c),
                c.has("currency") ? c.text("currency", "\\d{3}", "an ISO 4217 numeric currency code such as 156") : "156");
        YamlFile o = f.child("outcomes");
        Optional<TerminalProfile.Fields> fields = fields(serial);
        Map<Outcome, Pattern> outcomes = new EnumMap<>(Outcome.class);
        Map<Outcome, String> sources = new EnumMap<>(Outcome.class);
        List<String> missing = new ArrayList<>();
        for (Outcome outcome : Outcome.values()) {
            if (!o.has(outcome.name())) {
                missing.add(outcome.name());
                continue;
            }
            if (o.isSection(outcome.name())) {
                // { field: NAME, matches: REGEX }: the regex is found in that field of the message only
                YamlFile fm = o.child(outcome.name());
                if (fields.isEmpty()) {
                    throw fm.error("field", "the profile names no message fields (serial.fields: { separator, names })");
                }
                String name = fm.text("field");
                String regex = fm.text("matches");
                try {
                    Pattern.compile(regex);
                    outcomes.put(outcome, fields.get().fieldPattern(name, regex));
                } catch (PatternSyntaxException e) {
                    throw fm.error("matches", "not a valid regular expression: " + e.getDescription());
                } catch (IllegalArgumentException e) {
                    throw fm.error("field", e.getMessage());
                }
                sources.put(outcome, "field " + name + " /" + regex + "/");
                continue;
            }
            String regex = o.text(outcome.name());
            try {
                outcomes.put(outcome, Pattern.compile(regex));
            } catch (PatternSyntaxException e) {
                throw o.error(outcome.name(), "not a valid regular expression: " + e.getDescription());
            }
        }
        for (String name : o.fieldNames()) {
            if (EnumSet.allOf(Outcome.class).stream().noneMatch(x -> x.name().equals(name))) {
                throw o.error(name, "is not a canonical outcome");
            }
        }
        if (!missing.isEmpty()) {
            throw o.error("missing the terminal's text for " + String.join(", ", missing));
        }
        return new TerminalProfile(f.file(), f.text("name"),
                new TerminalProfile.Serial(serial.integer("baud", 50, 4_000_000), serial.integer("dataBits", 5, 8),
                        serial.choice("parity", TerminalProfile.Parity.class), serial.integer("stopBits", 1, 2), charset,
                        link(serial), fields),
                saleStart, timeouts, capabilities, outcomes, silentPrompts(f, timeouts), sources);
    }

    /** {@code serial.fields}: a message's field separator (hex, e.g. 1C) and the fields' names, in order. */
    private static Optional<TerminalProfile.Fields> fields(YamlFile serial) {
        if (!serial.has("fields")) {
            return Optional.empty();
        }
        YamlFile fl = serial.child("fields");
        String hex = fl.text("separator").replace(" ", "");
        String separator;
        try {
            separator = new String(java.util.HexFormat.of().parseHex(hex), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IllegalArgumentException e) {
            throw fl.error("separator", "\"" + hex + "\" is not a byte in hex, such as 1C");
        }
        if (separator.length() != 1) {
            throw fl.error("separator", "\"" + hex + "\" should be one byte in hex, such as 1C");
        }
        List<String> names = fl.texts("names");
        if (separator.isEmpty() || names.isEmpty() || new java.util.HashSet<>(names).size() != names.size()) {
            throw fl.error("names", "give the fields' names in order, each once, e.g. [kind, zh, en]");
        }
        return Optional.of(new TerminalProfile.Fields(separator, names));
    }

    /** {@code serial.link}: lines (a text console, the default) or frames, with the knobs in {@code serial.frame}. */
    private static TerminalProfile.Link link(YamlFile serial) {
        String link = serial.optionalText("link").orElse("lines");
        return switch (link) {
            case "lines" -> new TerminalProfile.Link.Lines();
            case "frames" -> {
                YamlFile frame = serial.child("frame");
                try {
                    yield new TerminalProfile.Link.Frames(FrameFormat.parse(frame::optionalText));
                } catch (IllegalArgumentException e) {
                    String msg = e.getMessage();
                    int colon = msg.indexOf(": ");
                    throw colon > 0 ? frame.error(msg.substring(0, colon), msg.substring(colon + 2)) : frame.error(msg);
                }
            }
            default -> throw serial.error("link", "\"" + link + "\" should be lines or frames");
        };
    }

    /**
     * {@code silentPrompts}: prompts the terminal does not send on its serial port, each with the
     * time a step waits before it takes the terminal to be showing it.
     */
    private static Map<Outcome, java.time.Duration> silentPrompts(YamlFile f, TerminalProfile.Timeouts timeouts) {
        Map<Outcome, java.time.Duration> silent = new EnumMap<>(Outcome.class);
        if (!f.has("silentPrompts")) {
            return silent;
        }
        YamlFile p = f.child("silentPrompts");
        for (String name : p.fieldNames()) {
            Outcome o = TerminalProfile.SILENT_ABLE.stream().filter(x -> x.name().equals(name)).findFirst()
                    .orElseThrow(() -> p.error(name, "only the prompts " + TerminalProfile.SILENT_ABLE.stream()
                            .map(Enum::name).sorted().toList() + " can be silent: idle, remove card and every result"
                            + " say where a transaction ended"));
            java.time.Duration d = p.duration(name);
            java.time.Duration limit = switch (o) {
                case PRESENT_CARD -> timeouts.presentCard();
                case ENTER_PIN -> timeouts.pinEntry();
                default -> timeouts.otpEntry();
            };
            if (d.isZero() || d.compareTo(limit) >= 0) {
                throw p.error(name, d.toMillis() + " ms: the wait must be positive and shorter than the terminal's own"
                        + " timer for that prompt (" + limit.toMillis() + " ms), or the prompt is gone before the step acts");
            }
            silent.put(o, d);
        }
        return silent;
    }

    /** {@code capabilities.cardReaders}; a terminal that does not say reads every way. */
    private static Set<Technology> cardReaders(YamlFile c) {
        if (!c.has("cardReaders")) {
            return EnumSet.allOf(Technology.class);
        }
        Set<Technology> readers = EnumSet.noneOf(Technology.class);
        for (String r : c.texts("cardReaders")) {
            try {
                readers.add(Technology.valueOf(r.toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw c.error("cardReaders", "\"" + r + "\" is not stripe, chip or contactless");
            }
        }
        if (readers.isEmpty()) {
            throw c.error("cardReaders", "empty: a terminal reads cards at least one way (stripe, chip, contactless)");
        }
        return readers;
    }

    static CardDeck deck(YamlFile f, RigSpec rig) {
        return deck(f, rig, YearMonth.now(ZoneId.systemDefault()));
    }

    /** The deck with every relative expiry resolved against {@code thisMonth}, the month of the run. */
    static CardDeck deck(YamlFile f, RigSpec rig, YearMonth thisMonth) {
        int slots = 1 << rig.cardSelector().size();
        List<TestCard> cards = new ArrayList<>();
        Map<Integer, String> bySlot = new HashMap<>();
        Set<String> ids = new TreeSet<>();
        for (YamlFile c : f.list("cards")) {
            String id = c.text("id", "[a-z0-9][a-z0-9-]*", "a card id (lower-case letters, digits and dashes)");
            if (!ids.add(id)) {
                throw c.error("id", "\"" + id + "\" is used by two cards");
            }
            Set<Technology> tech = EnumSet.noneOf(Technology.class);
            for (String t : c.texts("technology")) {
                try {
                    tech.add(Technology.valueOf(t.toUpperCase()));
                } catch (IllegalArgumentException e) {
                    throw c.error("technology", "\"" + t + "\" is not stripe, chip or contactless");
                }
            }
            if (tech.isEmpty()) {
                throw c.error("technology", "missing (a list of stripe, chip, contactless)");
            }
            // The PAN is checked for shape only: a deck holds cards whose Luhn digit is wrong on purpose,
            // and cards just outside the 13-19 digits a terminal must accept (12, 20), to test that check.
            String pan = c.text("pan", "\\d{8,21}", "a card number of 8 to 21 digits");
            String expiry = expiry(c, thisMonth);
            String serviceCode = c.text("serviceCode", "\\d{3}", "a 3-digit service code");
            String pin = c.text("pin", "\\d{4,12}", "a PIN of 4 to 12 digits");
            int slot = c.integer("slot", 0, slots - 1);
            String other = bySlot.putIfAbsent(slot, id);
            if (other != null) {
                throw c.error("slot", "slot " + slot + " already holds card " + other);
            }
            boolean needsAid = tech.contains(Technology.CHIP) || tech.contains(Technology.CONTACTLESS);
            String aid = needsAid ? c.text("aid", "[0-9A-Fa-f]{10,32}", "an application id in hex") : "";
            StripeCondition stripe = c.has("stripe") ? c.choice("stripe", StripeCondition.class) : StripeCondition.GOOD;
            String track2 = c.optionalText("track2")
                    .map(t -> {
                        if (!t.matches("\\d{8,21}=\\d{4}\\d{3}\\d*")) {
                            throw c.error("track2", "is not PAN=YYMM+service code+discretionary data");
                        }
                        return t;
                    })
                    .orElse(pan + "=" + expiry + serviceCode + "00000");
            ChipBehaviour chip = null;
            if (tech.contains(Technology.CHIP) || tech.contains(Technology.CONTACTLESS)) {
                chip = c.has("chip")
                        ? new ChipBehaviour(c.child("chip").bool("answers", true), c.child("chip").bool("offlinePin", false),
                                c.child("chip").integer("pinTries", 0, 15))
                        : new ChipBehaviour(true, false, 3);
            }
            cards.add(new TestCard(id, tech, pan, expiry, serviceCode, pin, slot, aid, stripe, track2, chip));
        }
        if (cards.isEmpty()) {
            throw f.error("cards", "the deck is empty");
        }
        return CardDeck.of(f.file(), cards);
    }

    /** {@code this-month}, {@code last-month}, {@code next-month}, {@code this-month+N}, {@code this-month-N}. */
    private static final Pattern RELATIVE_EXPIRY = Pattern.compile("(this|last|next)-month(?:([+-])(\\d{1,3}))?");

    /**
     * A card's {@code expiry} as YYMM. Besides a fixed YYMM it may name a month relative to the run's,
     * so a card at the edge of its validity stays at the edge whenever the suite runs: a card is
     * valid through the last day of its expiry month, and a fixed "this month" would be wrong next
     * month. The run's month is taken in this machine's time zone, as the simulated terminal takes it.
     */
    static String expiry(YamlFile c, YearMonth thisMonth) {
        String s = c.text("expiry");
        if (s.matches("\\d{2}(0[1-9]|1[0-2])")) {
            return s;
        }
        Matcher m = RELATIVE_EXPIRY.matcher(s);
        if (!m.matches() || (m.group(2) != null && !m.group(1).equals("this"))) {
            throw c.error("expiry", "\"" + s + "\" is not an expiry as YYMM, nor a month relative to the run's "
                    + "(this-month, last-month, next-month, this-month+N, this-month-N)");
        }
        int offset = switch (m.group(1)) {
            case "last" -> -1;
            case "next" -> 1;
            default -> m.group(2) == null ? 0 : Integer.parseInt(m.group(2) + m.group(3));
        };
        YearMonth month = thisMonth.plusMonths(offset);
        if (month.getYear() < 2000 || month.getYear() > 2099) {
            throw c.error("expiry", "\"" + s + "\" falls in " + month + ", which YYMM cannot say (2000-2099)");
        }
        return "%02d%02d".formatted(month.getYear() % 100, month.getMonthValue());
    }

    static BankSpec bank(YamlFile f, Path dir) {
        YamlFile keys = f.child("keys");
        YamlFile mappings = f.child("mappings");
        Path base = dir.resolve(mappings.text("base"));
        Path answers = dir.resolve(mappings.text("answers"));
        if (!Files.isDirectory(base)) {
            throw mappings.error("base", base + " is not a folder");
        }
        if (!Files.isDirectory(answers)) {
            throw mappings.error("answers", answers + " is not a folder");
        }
        String path = f.text("path", "/[A-Za-z0-9/_-]*", "a URL path starting with /");
        String listenHost = BankSpec.LOOPBACK;
        int port;
        if (f.has("listen")) {
            String listen = f.text("listen", "[^\\s:]+:\\d{1,5}", "host:port, e.g. 127.0.0.1:0 (loopback, any free port) or 0.0.0.0:5000");
            listenHost = listen.substring(0, listen.lastIndexOf(':'));
            port = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
            if (port > 65535) {
                throw f.error("listen", "a port is 1 to 65535, or 0 to take a free one; not " + port);
            }
        } else {
            port = f.integer("port", 0, 65535);
        }
        return new BankSpec(port, path,
                keys.text("pin", "[0-9A-Fa-f]{32}", "a double-length key: 32 hex digits"),
                keys.text("mac", "[0-9A-Fa-f]{32,128}", "a key in hex"),
                base, answers, listenHost,
                keys.has("retailMac")
                        ? keys.text("retailMac", "[0-9A-Fa-f]{32}", "a double-length DES key: 32 hex digits")
                        : BankSpec.TEST_RETAIL_MAC_KEY);
    }

    /** The deck's PANs, for the checks that none of them leaks. */
    public List<String> pans() {
        return deck.cards().values().stream().map(TestCard::pan).toList();
    }

    @Override
    public String toString() {
        return "BenchConfig[" + dir + ", " + rig.kind() + ", " + profile.name() + ", " + deck.cards().size() + " cards]";
    }

}
