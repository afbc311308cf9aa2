package dev.posbench.steps;

import dev.posbench.report.Evidence;
import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.TestCaseStarted;

/**
 * Says in each result which rig and which of its benches ran the scenario: Allure's timeline draws
 * a lane per host and thread, so these labels give a lane per rig and bench, also when the results
 * of a shelf of rigs are merged into one report.
 *
 * <p>A plugin rather than a hook: in a hook the Allure plugin has a fixture open, not the scenario.
 * Register it after the Allure plugin, whose handler starts the result these labels go on.
 */
public final class BenchLabels implements ConcurrentEventListener {

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(TestCaseStarted.class, event -> {
            Evidence.label("host", BenchRun.rig());
            Evidence.label("thread", BenchRun.current().id());
        });
    }
}
