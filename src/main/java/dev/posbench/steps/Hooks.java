package dev.posbench.steps;

import dev.posbench.bank.FakeBank.Exchange;
import dev.posbench.report.Evidence;
import dev.posbench.report.Timeline;
import dev.posbench.report.TimelineSvg;
import java.util.ArrayList;
import java.util.List;
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
        dev.posbench.Interruption.check(); // told to stop: the scenarios not begun are not run
        scenario.bench.recoverLink();
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
        List<Exchange> exchanges = exchanges();
        Timeline timeline = timeline(exchanges);
        Evidence.attachSvg("timeline", TimelineSvg.render(timeline, "rig, terminal and bank on one clock"));
        Evidence.attachText("timeline (text)", timeline.text());
        Evidence.attachText("serial transcript", scenario.transcript().render(scenario.transcriptStart));
        Evidence.attachText("bank journal", scenario.bench.bank().renderJournal());
        Evidence.bankMessages(exchanges);
        Evidence.attachText("actuation log", scenario.bench.rig().log().render(scenario.actuationStart));
        scenario.bench.program().ifPresent(p ->
                Evidence.attachText("terminal program output", p.outputSince(scenario.programStart)));
    }

    /** The whole scenario's exchanges: a step that set the bank back to normal emptied its journal. */
    private List<Exchange> exchanges() {
        List<Exchange> exchanges = new ArrayList<>(scenario.earlierExchanges);
        exchanges.addAll(scenario.bench.bank().journal());
        return exchanges;
    }

    private Timeline timeline(List<Exchange> exchanges) {
        return Timeline.of(scenario.bench.rig().log().rowsSince(scenario.actuationStart),
                scenario.transcript().linesSince(scenario.transcriptStart),
                scenario.transcript().chunksSince(scenario.transcriptStart),
                scenario.profile().serial().charset(), exchanges);
    }
}
