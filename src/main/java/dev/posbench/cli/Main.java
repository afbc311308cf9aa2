package dev.posbench.cli;

import dev.posbench.BadInputException;
import dev.posbench.TerminalProgramException;
import dev.posbench.bank.BankSpec;
import dev.posbench.config.BenchConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code posbench}: the command line. The launcher script finds the JDK and builds; this runs the verbs. */
@Command(name = "posbench", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Hardware-in-the-loop test bench for card-payment terminals.",
        subcommands = {RunCommand.class, Main.Check.class, DoctorCommand.class, CatalogCommand.class, MergeCommand.class,
                BenchmarkCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    /** What this build of posbench calls itself, in --version and in every report. */
    public static final String VERSION = "posbench 0.1.0";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCode.PASSED;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a verb and returns its exit code (tests call this; main exits with it). */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs a verb printing to these writers instead of the standard streams (runs side by side in one JVM). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(e -> switch (e) {
            case BadInputException bad -> ExitCode.BAD_INPUT;
            case TerminalProgramException broken -> ExitCode.BROKEN_PROGRAM;
            default -> ExitCode.BENCH_ERROR;
        });
        cli.setParameterExceptionHandler((e, argv) -> {
            PrintWriter complaints = e.getCommandLine().getErr();
            complaints.println("posbench: " + e.getMessage());
            complaints.println("(posbench " + e.getCommandLine().getCommandName() + " --help lists the options)");
            return ExitCode.BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof BadInputException bad) {
                commandLine.getErr().println("posbench: " + bad.getMessage());
                return ExitCode.BAD_INPUT;
            }
            if (e instanceof TerminalProgramException broken) {
                commandLine.getErr().println("posbench: " + broken.getMessage());
                return ExitCode.BROKEN_PROGRAM;
            }
            commandLine.getErr().println("posbench: internal error: " + e);
            e.printStackTrace(commandLine.getErr());
            return ExitCode.BENCH_ERROR;
        });
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Loads and checks the configuration without switching anything on. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check the bench configuration (rig, deck, terminal profile, bank) and exit.")
    static final class Check implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--config", paramLabel = "DIR", defaultValue = "bench-config",
                description = "Configuration folder (default: ${DEFAULT-VALUE}).")
        Path config;

        @Option(names = "--profile", paramLabel = "FILE",
                description = "A terminal profile instead of the one rig.yaml names.")
        Path profile;

        @Override
        public Integer call() {
            BenchConfig loaded = BenchConfig.load(config, java.util.Optional.ofNullable(profile));
            spec.commandLine().getOut().println("posbench: " + config + " is valid: " + loaded.rig().kind().name().toLowerCase()
                    + " rig, terminal \"" + loaded.profile().name() + "\", " + loaded.deck().cards().size()
                    + " cards, bank answers in " + loaded.bank().answersDir());
            BankSpec bank = loaded.bank();
            spec.commandLine().getOut().println("posbench: the bank speaks " + loaded.hostDialect().name() + " on " + bank.listenHost() + ":"
                    + (bank.port() == 0 ? "(any free port)" : bank.port()));
            if (!bank.loopbackOnly()) {
                spec.commandLine().getOut().println("posbench: NOTE the bank listens on " + bank.listenHost()
                        + ", not loopback only: other machines on that network can reach it (bank.yaml listen)");
            }
            return ExitCode.PASSED;
        }
    }
}
