package dev.posbench.cli;

import dev.posbench.BadInputException;
import io.cucumber.core.gherkin.Pickle;
import io.cucumber.core.order.PickleOrder;
import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.TestCase;
import io.cucumber.plugin.event.TestCaseFinished;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which scenarios a run takes and in what order, from how long each took last time.
 *
 * <p>Longest first: with several benches, the run ends when the last bench is done, and a long
 * scenario started last would leave the others idle. A shard ({@code --shard 2/3}) takes its part
 * of the scenarios by the same times, so the rigs of a shelf finish close together; the split
 * depends only on the scenarios and the times file, so every rig given the same two computes the
 * same split, and each scenario lands on exactly one rig.
 *
 * <p>The times file ({@code feature-path:line <TAB> milliseconds}) is read, never written: a run
 * writes what it measured, with the times it read for the scenarios it did not run, to its own
 * reports folder. So the rigs of a shelf, all given the same file, split alike even when one
 * finishes before another starts; {@code posbench merge} combines their times into the file the
 * next night reads. A scenario the file does not know counts as {@link #UNKNOWN}.
 */
final class Schedule implements PickleOrder, ConcurrentEventListener {

    /** A scenario never timed weighs as a typical one: a few seconds of waiting on a terminal. */
    static final Duration UNKNOWN = Duration.ofSeconds(2);

    private static final Pattern SHARD = Pattern.compile("(\\d+)/(\\d+)");

    /** One shard of a shelf of N rigs, 1-based. */
    record Shard(int index, int count) {
        static final Shard WHOLE = new Shard(1, 1);

        static Shard parse(String text) {
            Matcher m = SHARD.matcher(text == null ? "" : text.strip());
            if (!m.matches()) {
                throw new BadInputException("--shard " + text, "expected I/N, e.g. 2/3 (the second of three rigs)");
            }
            int index = Integer.parseInt(m.group(1));
            int count = Integer.parseInt(m.group(2));
            if (count < 1 || index < 1 || index > count) {
                throw new BadInputException("--shard " + text, "I must be between 1 and N, and N at least 1");
            }
            return new Shard(index, count);
        }
    }

    private final Map<String, Duration> last;
    private final Shard shard;
    private final Map<String, Duration> measured = new ConcurrentHashMap<>();
    /** Told the run's scenarios, in the order they will start, with how long each took last time. */
    private java.util.function.Consumer<List<Duration>> planListener = plan -> { };

    Schedule(Path timesFile, Shard shard) {
        this.shard = shard;
        this.last = read(timesFile);
    }

    /** The key of a scenario in the times file: its feature file, relative when it can be, and line. */
    static String key(URI uri, int line) {
        String path = uri.getScheme() != null && uri.getScheme().equals("file")
                ? relative(Path.of(uri)) : uri.getSchemeSpecificPart();
        return path + ":" + line;
    }

    private static String relative(Path path) {
        Path here = Path.of("").toAbsolutePath();
        Path abs = path.toAbsolutePath().normalize();
        return (abs.startsWith(here) ? here.relativize(abs) : abs).toString().replace('\\', '/');
    }

    Duration expected(String key) {
        return last.getOrDefault(key, UNKNOWN);
    }

    /** Tells {@code listener} the run's plan once Cucumber has asked for the order (the live console's estimate). */
    void onPlan(java.util.function.Consumer<List<Duration>> listener) {
        this.planListener = listener;
    }

    @Override
    public List<Pickle> orderPickles(List<Pickle> pickles) {
        List<Pickle> ordered = order(pickles);
        planListener.accept(ordered.stream().map(p -> expected(key(p))).toList());
        return ordered;
    }

    private List<Pickle> order(List<Pickle> pickles) {
        List<Pickle> longestFirst = new ArrayList<>(pickles);
        longestFirst.sort(Comparator.comparing((Pickle p) -> expected(key(p))).reversed()
                .thenComparing((Pickle p) -> key(p)));
        if (shard.count() == 1) {
            return longestFirst;
        }
        // the longest scenario not yet placed goes to the shard with the least work so far (ties: the lowest)
        long[] load = new long[shard.count()];
        List<Pickle> mine = new ArrayList<>();
        for (Pickle p : longestFirst) {
            int least = 0;
            for (int i = 1; i < load.length; i++) {
                if (load[i] < load[least]) {
                    least = i;
                }
            }
            load[least] += expected(key(p)).toMillis();
            if (least == shard.index() - 1) {
                mine.add(p);
            }
        }
        return mine;
    }

    private static String key(Pickle p) {
        return key(p.getUri(), p.getLocation().getLine());
    }

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(TestCaseFinished.class, this::finished);
    }

    private void finished(TestCaseFinished event) {
        TestCase testCase = event.getTestCase();
        measured.put(key(testCase.getUri(), testCase.getLocation().getLine()), event.getResult().getDuration());
    }

    /** Writes this run's times, and the times read for the scenarios it did not run, to {@code file}. */
    void save(Path file) {
        if (measured.isEmpty()) {
            return;
        }
        Map<String, Duration> all = new TreeMap<>(last);
        all.putAll(measured);
        write(all, file);
    }

    /** Combines the times files of several runs (a shelf's shards) into one, later files winning. */
    static void combine(List<Path> files, Path into) {
        Map<String, Duration> all = new TreeMap<>();
        files.stream().filter(Files::isRegularFile).forEach(f -> all.putAll(read(f)));
        if (!all.isEmpty()) {
            write(all, into);
        }
    }

    private static void write(Map<String, Duration> all, Path timesFile) {
        StringBuilder text = new StringBuilder("# how long each scenario took when it last ran: "
                + "posbench orders and shards runs by it\n");
        all.forEach((key, took) -> text.append(key).append('\t').append(took.toMillis()).append('\n'));
        try {
            Files.createDirectories(timesFile.toAbsolutePath().getParent());
            Path part = Files.createTempFile(timesFile.toAbsolutePath().getParent(), ".times", ".part");
            Files.writeString(part, text, StandardCharsets.UTF_8);
            Files.move(part, timesFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the scenario times " + timesFile, e);
        }
    }

    private static Map<String, Duration> read(Path file) {
        Map<String, Duration> times = new TreeMap<>();
        if (!Files.isRegularFile(file)) {
            return times;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException(file + " (--times)", "cannot be read: " + e.getMessage());
        }
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split("\t");
            try {
                times.put(cells[0], Duration.ofMillis(Long.parseLong(cells[1].strip())));
            } catch (RuntimeException e) {
                throw new BadInputException(file + " line " + (n + 1) + " (--times)",
                        "expected \"feature:line<TAB>milliseconds\", found \"" + line + "\"");
            }
        }
        return times;
    }
}
