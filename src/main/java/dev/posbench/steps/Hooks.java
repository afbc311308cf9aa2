package dev.posbench.steps;

import dev.posbench.report.Evidence;
import io.cucumber.java.After;
import io.cucumber.java.Before;

/** Each scenario starts from an idle terminal and a bank at its base behaviour, and ends checked and documented. */
public final class Hooks {

    private final Scenario scenario;

    public Hooks(Scenario scenario) {
        this.scenario = scenario;
    }

    @Before(order = 0)
    public void ready() {
        scenario.bench.bank().acceptConnections();
        scenario.bench.bank().reset();
        scenario.programStart = scenario.bench.program().map(p -> p.outputMark()).orElse(0);
        scenario.bench.strategy().ready();
        scenario.begin();
    }

    /** Runs first of the after hooks (higher order first), so the evidence below includes what it waited for. */
    @After(order = 20000)
    public void invariants() {
        if (scenario.transcriptStart == null || scenario.notApplicable) {
            return; // the scenario failed before it began, or does not apply to this terminal: nothing to judge
        }
        new Invariants(scenario).check();
    }

    @After(order = 10000)
    public void evidence() {
        if (scenario.transcriptStart == null) {
            return; // the scenario never got a bench to begin with
        }
        Evidence.attachText("serial transcript", scenario.transcript().render(scenario.transcriptStart));
        Evidence.attachText("bank journal", scenario.bench.bank().renderJournal());
        Evidence.attachText("actuation log", scenario.bench.rig().log().render(scenario.actuationStart));
        if (!scenario.timedWaits.isEmpty()) {
            StringBuilder waits = new StringBuilder("Waits timed by the profile's settle time, not seen on the serial"
                    + " line (the terminal does not send these prompts):\n");
            scenario.timedWaits.forEach(w -> waits.append(w.at()).append("  ").append(w.what()).append("  ")
                    .append(w.settle().toMillis()).append(" ms\n"));
            Evidence.attachText("timed waits", waits.toString());
        }
        scenario.bench.program().ifPresent(p ->
                Evidence.attachText("terminal program output", p.outputSince(scenario.programStart)));
    }
}
