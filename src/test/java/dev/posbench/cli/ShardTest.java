package dev.posbench.cli;

import org.junit.jupiter.api.Order;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A shelf of two rigs: each runs its shard of the scenarios, and {@code posbench merge} makes one
 * report of them with a lane per rig, every scenario once.
 */
@Execution(ExecutionMode.CONCURRENT)
@Order(9)
class ShardTest {

    private static final String TAGS = "@CV-01 or @CV-06 or @HC-01 or @HC-02 or @CR-06 or @ID-05 or @ID-12";

    @Test
    void twoShardsCoverEveryScenarioOnceAndMergeIntoOneReportWithALanePerRig() throws Exception {
        Path all = PosbenchRun.tempDir();
        PosbenchRun whole = PosbenchRun.execute("run", "--no-html", "--benches", "2", "--reports", all.toString(),
                "--tags", TAGS);
        assertEquals(ExitCode.PASSED, whole.exitCode(), whole.out() + whole.err());
        // both rigs read the times the whole run left: the same input gives the same split on each rig
        Path times = all.resolve("scenario-times.tsv");
        assertTrue(Files.readString(times).contains("features/"), "the run wrote its scenarios' times");

        Path a = PosbenchRun.tempDir();
        Path b = PosbenchRun.tempDir();
        // two rigs at once, as a CI engine runs them
        var firstRig = java.util.concurrent.CompletableFuture.supplyAsync(() -> PosbenchRun.execute("run", "--no-html",
                "--benches", "1", "--reports", a.toString(), "--tags", TAGS, "--shard", "1/2", "--times",
                times.toString(), "--rig-id", "rig-a"), task -> Thread.ofPlatform().name("rig-a").start(task));
        PosbenchRun second = PosbenchRun.execute("run", "--no-html", "--benches", "1", "--reports", b.toString(),
                "--tags", TAGS, "--shard", "2/2", "--times", times.toString(), "--rig-id", "rig-b");
        PosbenchRun first = firstRig.join();
        assertEquals(ExitCode.PASSED, first.exitCode(), first.out() + first.err());
        assertEquals(ExitCode.PASSED, second.exitCode(), second.out() + second.err());

        Set<String> one = names(first);
        Set<String> two = names(second);
        assertTrue(!one.isEmpty() && !two.isEmpty(), "each rig ran a part:\n" + first.out() + second.out());
        Set<String> both = new HashSet<>(one);
        both.retainAll(two);
        assertTrue(both.isEmpty(), "no scenario on both rigs: " + both);
        Set<String> union = new HashSet<>(one);
        union.addAll(two);
        assertEquals(names(whole), union, "the two parts are the whole");

        Path merged = PosbenchRun.tempDir();
        PosbenchRun merge = PosbenchRun.execute("merge", "--no-html", "--reports", merged.toString(),
                a.toString(), b.toString());
        assertEquals(ExitCode.PASSED, merge.exitCode(), merge.out() + merge.err());
        assertTrue(merge.out().contains(union.size() + " scenarios from 2 rigs, 0 failed or repeated"), merge.out());
        List<String> hosts = new ArrayList<>();
        try (var files = Files.list(merged.resolve("allure-results"))) {
            for (Path f : files.filter(p -> p.toString().endsWith("-result.json")).toList()) {
                String text = Files.readString(f);
                hosts.add(text.contains("\"rig-a\"") ? "rig-a" : text.contains("\"rig-b\"") ? "rig-b" : "none");
            }
        }
        assertEquals(union.size(), hosts.size(), "one result per scenario");
        assertEquals(Set.of("rig-a", "rig-b"), new HashSet<>(hosts), "a lane per rig");

        // a second rig that ran the first one's part: its results are copies, under other file names
        Path overlap = PosbenchRun.tempDir().resolve("allure-results");
        Files.createDirectories(overlap);
        try (var files = Files.list(a.resolve("allure-results"))) {
            for (Path f : files.filter(p -> p.toString().endsWith("-result.json")).toList()) {
                Files.writeString(overlap.resolve(java.util.UUID.randomUUID() + "-result.json"),
                        Files.readString(f).replace("\"rig-a\"", "\"rig-c\""));
            }
        }
        PosbenchRun again = PosbenchRun.execute("merge", "--no-html", "--reports", PosbenchRun.tempDir().toString(),
                a.toString(), overlap.toString());
        assertEquals(ExitCode.FAILED, again.exitCode(), "a scenario run on two rigs is named:\n" + again.out());
        assertTrue(again.out().contains("shards overlap"), again.out());
    }

    private static Set<String> names(PosbenchRun run) {
        return run.rows().stream().map(r -> r.ids() + " " + r.name()).collect(Collectors.toSet());
    }
}
