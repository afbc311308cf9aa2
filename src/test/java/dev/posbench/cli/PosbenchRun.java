package dev.posbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One {@code posbench} invocation in this JVM, as the launcher would make it, with what it printed. */
record PosbenchRun(int exitCode, String out, String err) {

    /** {@code posbench run ARGS} writing its results to a fresh folder, without the HTML report. */
    static PosbenchRun run(String... args) {
        // one bench a run: the tests run several runs at once, and a bench is a terminal process with real
        // timers; more at once on two cores starve them, and a starved terminal fails for the machine's sake
        return runOn(1, args);
    }

    /** {@code posbench run --benches N ARGS}, for a run long enough to be worth sharing out. */
    static PosbenchRun runOn(int benches, String... args) {
        List<String> argv = new ArrayList<>(List.of("run", "--no-html", "--benches", String.valueOf(benches),
                "--reports", tempDir().toString()));
        argv.addAll(List.of(args));
        return execute(argv.toArray(String[]::new));
    }

    /**
     * Runs a verb with its own output streams, so that runs may go on side by side in this JVM
     * (each run binds its benches and its evidence to its own thread).
     */
    static PosbenchRun execute(String... argv) {
        StringWriter outText = new StringWriter();
        StringWriter errText = new StringWriter();
        int code = Main.execute(new PrintWriter(outText, true), new PrintWriter(errText, true), argv);
        PosbenchRun run = new PosbenchRun(code, outText.toString(), errText.toString());
        System.out.println("posbench " + String.join(" ", argv) + " -> " + code + "\n" + run.out() + run.err());
        return run;
    }

    /** The summary row of the scenario tagged with this id, and the failure line under it if any. */
    String row(String id) {
        List<String> lines = out.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(id + " ")) {
                boolean next = i + 1 < lines.size() && lines.get(i + 1).startsWith(" ");
                return lines.get(i) + (next ? "\n" + lines.get(i + 1) : "");
            }
        }
        return "(no row for " + id + " in:\n" + out + ")";
    }

    /**
     * One row of the run summary: the path ids column, the outcome, the scenario's name, and the
     * first line of its failure (empty when it has none).
     */
    record Row(String ids, String outcome, String name, String failure) {
        boolean isFor(String id) {
            return List.of(ids.split(",")).contains(id);
        }
    }

    /** Every scenario row of the summary, read by the columns its header line sets. */
    List<Row> rows() {
        List<String> lines = out.lines().toList();
        List<Row> rows = new ArrayList<>();
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("PATH ") && lines.get(i).contains(" SCENARIO")) {
                header = i;
            }
        }
        if (header < 0) {
            return rows;
        }
        String h = lines.get(header);
        int outcome = h.indexOf("OUTCOME");
        int scenario = h.indexOf("SCENARIO");
        for (int i = header + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith(" ") || line.length() <= scenario) {
                continue;
            }
            if (line.matches("\\d+ passed, \\d+ failed")) {
                break;
            }
            String failure = i + 1 < lines.size() && lines.get(i + 1).startsWith(" ") ? lines.get(i + 1).strip() : "";
            if (!line.substring(0, outcome).strip().matches("-|[A-Z]{2,3}-\\d+(,[A-Z]{2,3}-\\d+)*")) {
                continue; // not a scenario's row: the totals, the wall time, the slowest step
            }
            String[] middle = line.substring(outcome, scenario).strip().split("\\s{2,}");
            rows.add(new Row(line.substring(0, outcome).strip(), middle[0], line.substring(scenario).strip(), failure));
        }
        return rows;
    }

    /** The outcome column of every summary row of the scenarios tagged with this id. */
    List<String> outcomes(String id) {
        return out.lines().filter(l -> l.startsWith(id + " ") || l.startsWith(id + ","))
                .map(l -> l.substring(l.indexOf(' ')).strip().split("\\s{2,}")[0]).toList();
    }

    /** Copies a folder with everything in it; {@code target} must not exist yet. */
    static Path copyTree(Path source, Path target) {
        try (java.util.stream.Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("posbench-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
