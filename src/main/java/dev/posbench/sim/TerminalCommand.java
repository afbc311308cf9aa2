package dev.posbench.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the simulated rig starts the terminal program, from {@code rig.yaml terminal.command} and
 * {@code terminal.workdir}: the argument list as written, its {@code ${...}} placeholders filled in
 * at each power on (see {@code docs/terminal-contract.md}).
 *
 * @param argv         the program and its arguments, placeholders unexpanded
 * @param workdir      the folder it runs in
 * @param startTimeout how long it may take, after power on, to say hello on the world socket
 *                     ({@code terminal.startTimeout}): its start, before its boot timer counts
 */
public record TerminalCommand(List<String> argv, Path workdir, java.time.Duration startTimeout) {

    /**
     * Generous: a PC build on a JVM, on a CI machine running several benches, can take seconds to
     * start; a sound program ends the wait the moment it says hello, and one that exits at once.
     */
    public static final java.time.Duration DEFAULT_START_TIMEOUT = java.time.Duration.ofSeconds(30);

    public TerminalCommand(List<String> argv, Path workdir) {
        this(argv, workdir, DEFAULT_START_TIMEOUT);
    }


    /** Every placeholder the contract defines. */
    public static final Set<String> PLACEHOLDERS =
            Set.of("serial", "bank", "bankDialect", "world", "flash", "java", "classpath", "config", "profile");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    /** The reference terminal's entry point: the one program that understands seeded defects. */
    private static final String REFERENCE_MAIN = "dev.posbench.emulator.Main";

    public TerminalCommand {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command has at least the program");
        }
    }

    /** The placeholders used that the contract does not define; empty when all are known. */
    public List<String> unknownPlaceholders() {
        List<String> unknown = new ArrayList<>();
        for (String arg : argv) {
            Matcher m = PLACEHOLDER.matcher(arg);
            while (m.find()) {
                if (!PLACEHOLDERS.contains(m.group(1))) {
                    unknown.add(m.group());
                }
            }
        }
        return unknown;
    }

    /** The arguments with the placeholders replaced. */
    public List<String> expand(Map<String, String> values) {
        return argv.stream().map(arg -> PLACEHOLDER.matcher(arg).replaceAll(m -> Matcher.quoteReplacement(
                values.getOrDefault(m.group(1), m.group())))).toList();
    }

    /** Whether this runs posbench's reference terminal. */
    public boolean isReferenceTerminal() {
        return argv.contains(REFERENCE_MAIN);
    }

    /** The command as the rig config writes it, for messages: the user recognises their own words. */
    public String describe() {
        return String.join(" ", argv);
    }
}
