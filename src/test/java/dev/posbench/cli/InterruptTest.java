package dev.posbench.cli;

import org.junit.jupiter.api.Order;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A real {@code posbench run} process told to stop by a signal, as a CI server cancelling the job
 * or a user pressing Ctrl-C would: the rig goes safe, the scenario in progress is marked
 * interrupted, and the results, summary, JUnit XML and report of what ran are written before it
 * exits with 128 + the signal's number.
 */
@Execution(ExecutionMode.CONCURRENT)
@Order(4)
class InterruptTest {

    @ParameterizedTest(name = "SIG{0} ends the run cleanly with exit code {1} (HTML report: {2})")
    // the HTML report of an interrupted run is generated the same way whatever the signal: checked once
    @CsvSource({"TERM, 143, true", "INT, 130, false"})
    void aSignalEndsTheRunCleanly(String signal, int exitCode, boolean html) throws Exception {
        Path reports = PosbenchRun.tempDir();
        Path out = reports.resolve("stdout.txt");
        Path err = reports.resolve("stderr.txt");
        // the launcher's collector; C1 alone, as a short run on a busy machine needs no more
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                "target/classes:" + Files.readString(Path.of("target/runtime-classpath.txt")).strip(),
                "dev.posbench.cli.Main", "run", "--benches", "1", "--reports", reports.toString(),
                // the quick ones first, then one that waits out host timeouts: the signal finds it running
                "--tags", "@CV-01 or @CV-06 or @HC-11"));
        if (!html) {
            command.add("--no-html");
        }
        Process run = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            awaitFirstResult(reports, run);
            new ProcessBuilder("kill", "-" + signal, String.valueOf(run.pid())).inheritIO().start().waitFor();
            assertTrue(run.waitFor(90, TimeUnit.SECONDS), "posbench did not end after SIG" + signal);
        } finally {
            run.destroyForcibly();
        }
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        String complaints = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(exitCode, run.exitValue(), printed + complaints);
        assertTrue((printed.contains("PASSED") || printed.contains("FAILED")) && printed.contains("INTERRUPTED"),
                "the summary shows what ran to its end and what was cut short:\n" + printed);
        assertTrue(printed.contains("interrupted: posbench was told to stop"), printed);
        assertTrue(complaints.contains("stopped by SIG" + signal), complaints);
        assertTrue(Files.exists(reports.resolve("junit.xml")), "JUnit XML written");
        assertEquals(html, Files.exists(reports.resolve("allure-report/index.html")), "the report of what ran is generated");
        try (Stream<Path> files = Files.list(reports.resolve("allure-results"))) {
            List<Path> all = files.toList();
            assertTrue(all.stream().filter(p -> p.toString().endsWith("-result.json")).count() >= 2,
                    "the results of the scenarios that ran are kept");
        }
        // the rig's own record: the last thing each bench did was to take its safe state on the signal
        assertTrue(complaints.lines().anyMatch(l -> l.matches("posbench: bench-1: \\S+\\s+safe state: .*\\(SIG"
                + signal + "\\)")), "the actuation log ends in the safe state taken on SIG" + signal + ":\n" + complaints);
    }

    /** Waits, on file events, for the run's first scenario result: the run is under way. */
    private static void awaitFirstResult(Path reports, Process run) throws IOException, InterruptedException {
        Path results = reports.resolve("allure-results");
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            reports.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            boolean watchingResults = false;
            while (System.nanoTime() < deadline && run.isAlive()) {
                if (!watchingResults && Files.isDirectory(results)) {
                    results.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
                    watchingResults = true;
                }
                if (watchingResults) {
                    try (Stream<Path> files = Files.list(results)) {
                        if (files.anyMatch(p -> p.toString().endsWith("-result.json"))) {
                            return;
                        }
                    }
                }
                WatchKey key = watch.poll(1, TimeUnit.SECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
        throw new AssertionError("no scenario result within 60 s; posbench alive: " + run.isAlive());
    }
}
