package dev.posbench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.posbench.BadInputException;
import dev.posbench.channel.Pans;
import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Deque;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Allure side of a run: where the results go, what the report says about the bench, and the
 * single-file HTML report made from them by the Allure command line.
 */
public final class AllureReport {

    private static final Logger log = LoggerFactory.getLogger(AllureReport.class);

    /** Generating a few hundred scenarios takes seconds on a laptop, well under a minute on a Pi. */
    static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final int TAIL_LINES = 25;

    /** What an Allure 2 adapter writes into a results directory; nothing else there is ever deleted. */
    private static final Pattern RESULT_FILE = Pattern.compile(
            "[0-9a-fA-F-]+-(result\\.json|container\\.json|attachment(\\..*)?)"
                    + "|environment\\.properties|executor\\.json|categories\\.json"
                    // the certification summary's place in the report, rewritten by each run
                    + "|" + Pattern.quote(Certification.CONTAINER) + "|" + Pattern.quote(Certification.ATTACHMENT));

    private AllureReport() {}

    /**
     * Makes {@code resultsDir} the place this run's Allure results go, and clears the results an
     * earlier run left there (the report would otherwise merge them into this one). Call it before
     * starting Cucumber: the Allure plugin binds to the lifecycle set here when Cucumber creates it.
     *
     * <p>Allure reads {@code allure.results.directory} only once per JVM, when its lifecycle is
     * first used; setting the lifecycle explicitly is what lets successive runs in one JVM write to
     * different directories. Everything written there has its card numbers masked.
     *
     * @return the lifecycle writing there, for the run's Allure plugin and {@link #bind}
     */
    public static AllureLifecycle prepareResults(Path resultsDir) {
        AllureLifecycle lifecycle = prepareResults(resultsDir, null);
        Allure.setLifecycle(lifecycle);
        return lifecycle;
    }

    /**
     * As {@link #prepareResults(Path)}, and every result is labelled with its catalog ids, family
     * and this profile (null: none), with links to its catalog entries; but Allure's own lifecycle,
     * one per JVM, is left alone: the run {@link #bind binds} this one to its threads, so runs side
     * by side in one JVM never write into each other's results.
     */
    public static AllureLifecycle prepareResults(Path resultsDir, String profile) {
        Path dir = resultsDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    if (Files.isRegularFile(entry) && RESULT_FILE.matcher(entry.getFileName().toString()).matches()) {
                        Files.delete(entry);
                    }
                }
            }
        } catch (IOException e) {
            throw new ReportException("cannot prepare the Allure results directory " + dir + ": " + e, e);
        }
        return new AllureLifecycle(
                new ScenarioLabels(new MaskingResultsWriter(new FileSystemResultsWriter(dir)), profile));
    }

    /** A run's lifecycle, while the run lasts: threads started during it inherit it, and must not outlive it. */
    private static final class Bound {
        final AllureLifecycle lifecycle;
        volatile boolean open = true;

        Bound(AllureLifecycle lifecycle) {
            this.lifecycle = lifecycle;
        }
    }

    private static final InheritableThreadLocal<Bound> BOUND = new InheritableThreadLocal<>();

    /**
     * Makes {@code lifecycle} the one evidence goes to on this thread and the threads it starts
     * (Cucumber's scenario threads), until the returned binding is closed. Allure's own lifecycle is
     * one per JVM; a binding is what lets two runs in one JVM write their results side by side.
     */
    public static Binding bind(AllureLifecycle lifecycle) {
        Bound bound = new Bound(lifecycle);
        BOUND.set(bound);
        return () -> {
            // a pool thread started during the run keeps what it inherited: closed, it no longer counts
            bound.open = false;
            BOUND.remove();
        };
    }

    /** The lifecycle evidence goes to on this thread: the bound one while its run lasts, else Allure's own. */
    static AllureLifecycle lifecycle() {
        Bound bound = BOUND.get();
        return bound != null && bound.open ? bound.lifecycle : Allure.getLifecycle();
    }

    /** A lifecycle bound to a thread; closing it unbinds it. */
    @FunctionalInterface
    public interface Binding extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Writes the report's "Environment" widget ({@code environment.properties}, in the map's
     * order), its "Executor" widget ({@code executor.json}, which links back to the CI build when
     * the run is one) and its failure categories ({@code categories.json}). Values are masked like
     * all evidence.
     */
    public static void writeEnvironment(Path resultsDir, Map<String, String> env) {
        writeEnvironment(resultsDir, env, System.getenv());
    }

    static void writeEnvironment(Path resultsDir, Map<String, String> env, Map<String, String> ciVariables) {
        StringBuilder properties = new StringBuilder();
        env.forEach((key, value) -> properties
                .append(escapeProperty(key, true)).append('=')
                .append(escapeProperty(Pans.maskAll(value), false)).append('\n'));
        try {
            Files.createDirectories(resultsDir);
            // every character is escaped to ASCII, as java.util.Properties (which Allure reads it with) expects
            Files.writeString(resultsDir.resolve("environment.properties"), properties, StandardCharsets.ISO_8859_1);
            ObjectMapper json = new ObjectMapper();
            json.writerWithDefaultPrettyPrinter()
                    .writeValue(resultsDir.resolve("executor.json").toFile(), Executor.of(ciVariables).json());
            json.writerWithDefaultPrettyPrinter()
                    .writeValue(resultsDir.resolve("categories.json").toFile(), FailureKind.categories());
        } catch (IOException e) {
            throw new ReportException("cannot write the report environment into " + resultsDir + ": " + e, e);
        }
    }

    /**
     * Runs {@code allure generate --single-file --clean} on {@code resultsDir} and puts the report
     * at {@code reportDir}. A single file, because a multi-file Allure report does not open from
     * {@code file://}. The report is generated beside {@code reportDir} and moved into place only
     * once complete, so a failed generation leaves the previous report (or none), never half a one.
     *
     * @param allureHome the unpacked Allure command line (the directory holding {@code bin/allure})
     * @return the report's {@code index.html}
     * @throws BadInputException if {@code allureHome} holds no Allure command line or {@code resultsDir} does not exist
     * @throws ReportException   if the command line fails, times out, or produces no {@code index.html}
     */
    public static Path generate(Path resultsDir, Path reportDir, Path allureHome) {
        return generate(resultsDir, reportDir, allureHome, null);
    }

    /**
     * As {@link #generate(Path, Path, Path)}, carrying Allure's history from run to run through
     * {@code historyDir} (null: none): its files go into the results' {@code history/} first,
     * which is how Allure learns the earlier runs (trends, retries, flaky and new failures), and
     * the history Allure makes of this run replaces them. A single-file report does not write its
     * history out, so that comes from a multi-file generation of the same results beside it.
     */
    public static Path generate(Path resultsDir, Path reportDir, Path allureHome, Path historyDir) {
        // absolute: the command line runs in another working directory
        Path launcher = allureHome.toAbsolutePath().resolve("bin").resolve("allure");
        if (!Files.isRegularFile(launcher) || !Files.isExecutable(launcher)) {
            throw new BadInputException(allureHome.toString(),
                    "no Allure command line here (bin/allure); `mvn process-classes` unpacks it into target/allure");
        }
        Path results = resultsDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(results)) {
            throw new BadInputException(results.toString(), "no Allure results directory: the run wrote no results");
        }
        Path target = reportDir.toAbsolutePath().normalize();
        if (target.getParent() == null || results.startsWith(target) || target.startsWith(results)) {
            throw new BadInputException(target.toString(), "the report directory must be apart from the results directory "
                    + results + " (generating replaces it whole)");
        }
        Path parent = target.getParent();
        String name = target.getFileName().toString();
        // a sibling, so the final move is a rename within one file system
        Path staging = parent.resolve("." + name + ".new-" + UUID.randomUUID());
        Path withHistory = parent.resolve("." + name + ".history-" + UUID.randomUUID());
        try {
            Files.createDirectories(parent);
            if (historyDir != null) {
                Path carried = results.resolve("history");
                deleteTree(carried);
                if (Files.isDirectory(historyDir)) {
                    copyFiles(historyDir, carried);
                }
                runCommandLine(launcher, results, withHistory, parent, false);
                Path made = withHistory.resolve("history");
                if (!Files.isDirectory(made)) {
                    throw new ReportException("the Allure command line wrote no history/ into " + withHistory);
                }
                deleteTree(historyDir);
                copyFiles(made, historyDir);
            }
            String output = runCommandLine(launcher, results, staging, parent, true);
            if (!Files.isRegularFile(staging.resolve("index.html"))) {
                throw new ReportException("the Allure command line wrote no index.html" + output);
            }
            replace(target, staging, parent, name);
            Path result = target.resolve("index.html");
            log.info("report: {}", result);
            return result;
        } catch (IOException e) {
            throw new ReportException("cannot put the report at " + target + ": " + e, e);
        } finally {
            deleteTree(staging);
            deleteTree(withHistory);
        }
    }

    /** The files of one folder (not its subfolders) into another, created when missing. */
    private static void copyFiles(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(from, Files::isRegularFile)) {
            for (Path f : files) {
                Files.copy(f, to.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** @return the tail of what the command line printed, for messages */
    private static String runCommandLine(Path launcher, Path results, Path output, Path workDir, boolean singleFile)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(launcher.toString(), "generate"));
        if (singleFile) {
            command.add("--single-file");
        }
        command.addAll(List.of("--clean", "-o", output.toString(), results.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                // the command line writes nothing into its working directory; if a version ever does,
                // it lands beside the report (reports/, ignored by git), not in the project root
                .directory(workDir.toFile())
                .redirectErrorStream(true);
        // bin/allure runs $JAVA_HOME/bin/java: point it at this JDK, not whatever `java` is on the PATH
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // no analytics script embedded into a report that must open offline
        builder.environment().put("ALLURE_NO_ANALYTICS", "true");
        // a JVM that lives two seconds: the C1 compiler and the serial collector spend a third less
        // CPU than the defaults (C2's compiler threads, G1's) on a machine that may be running benches;
        // a user's own ALLURE_OPTS win
        builder.environment().putIfAbsent("ALLURE_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        log.debug("running {}", builder.command());

        Process process = builder.start();
        process.getOutputStream().close(); // it reads nothing; an open stdin would only wait
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = Thread.ofVirtual().name("allure-output").start(() -> drain(process, tail));
        boolean exited;
        try {
            exited = process.waitFor(TIMEOUT);
            if (!exited) {
                kill(process);
            }
            reader.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new ReportException("interrupted while generating the report");
        }
        if (!exited) {
            throw new ReportException("the Allure command line did not finish within " + TIMEOUT.toSeconds()
                    + " s" + tailOf(tail));
        }
        if (process.exitValue() != 0) {
            throw new ReportException("the Allure command line failed (exit " + process.exitValue() + ")" + tailOf(tail));
        }
        return tailOf(tail);
    }

    private static void drain(Process process, Deque<String> tail) {
        try (BufferedReader output = process.inputReader()) {
            String line;
            while ((line = output.readLine()) != null) {
                String masked = Pans.maskAll(line);
                log.debug("allure: {}", masked);
                synchronized (tail) {
                    tail.addLast(masked);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            log.debug("reading the Allure command line's output stopped: {}", e.toString());
        }
    }

    private static String tailOf(Deque<String> tail) {
        synchronized (tail) {
            return tail.isEmpty() ? "; it printed nothing" : ":\n" + String.join("\n", tail);
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Swaps the new report in. POSIX cannot rename a directory over a non-empty one, so the old
     * report is renamed aside first and put back if the second rename fails.
     */
    private static void replace(Path target, Path staging, Path parent, String name) throws IOException {
        Path old = null;
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            old = parent.resolve("." + name + ".old-" + UUID.randomUUID());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
        if (old != null) {
            deleteTree(old);
        }
    }

    /** Best effort: a leftover hidden directory beside the report must not hide why generation failed. */
    private static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", root, e.toString());
        }
    }

    /** java.util.Properties escaping: separators in keys, leading blanks in values, and anything not printable ASCII. */
    private static String escapeProperty(String s, boolean key) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\f' -> out.append("\\f");
                case '=', ':', '#', '!' -> out.append(key || i == 0 ? "\\" + c : String.valueOf(c));
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
