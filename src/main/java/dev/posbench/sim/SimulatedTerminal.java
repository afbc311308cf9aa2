package dev.posbench.sim;

import com.pi4j.context.Context;
import dev.posbench.cards.TestCard;
import dev.posbench.rig.RigSpec;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The terminal's side of the simulated rig: the serial cable, the deck's cards with their chips,
 * the mechanics listening to the rig's pins, and the terminal program they all lead to. It is built
 * in two steps because the bench opens its serial end (which may be refused) before any pin exists.
 */
public final class SimulatedTerminal implements AutoCloseable {

    private final NullModem cable;
    private TerminalProgram program;
    private Mechanics mechanics;

    private SimulatedTerminal(NullModem cable) {
        this.cable = cable;
    }

    /** Lays the serial cable; the bench opens {@link #benchDevice()} next. */
    public static SimulatedTerminal cable() {
        return new SimulatedTerminal(NullModem.open());
    }

    public Path benchDevice() {
        return cable.benchDevice();
    }

    /**
     * Wires the mechanics to the rig's pins and the terminal program behind them. Nothing starts
     * until the rig closes the power relay.
     *
     * @param where       the rig config field naming the program, for messages
     * @param bank        the bank's address in the profile's host dialect
     * @param defects     seeded defects, for the reference terminal only
     * @param halt        ends the bench's serial waits when the program dies or breaks the contract
     */
    public void connect(Context pi4j, RigSpec spec, Collection<TestCard> deck, TerminalCommand command, String where,
            Path configDir, Path profile, String bank, String bankDialect, List<String> defects, Consumer<String> halt) {
        Readers readers = new Readers();
        program = new TerminalProgram(command, where, configDir, profile, cable, readers, bank, bankDialect, defects,
                halt);
        Map<Integer, SimCard> bySlot = new HashMap<>();
        for (TestCard card : deck) {
            bySlot.put(card.slot(), SimCard.of(card));
        }
        mechanics = new Mechanics(pi4j, spec, bySlot, readers, program);
    }

    public TerminalProgram program() {
        return program;
    }

    /** Unhooks the mechanics, kills the program, unplugs the cable. */
    @Override
    public void close() {
        if (mechanics != null) {
            mechanics.close();
        }
        if (program != null) {
            program.close();
        }
        cable.close();
    }
}
