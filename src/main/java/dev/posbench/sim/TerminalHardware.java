package dev.posbench.sim;

import dev.posbench.channel.PhysicalEvent;

/** What the rig's mechanics reach of a terminal: its power input and what its hardware senses. */
interface TerminalHardware {

    void power(boolean on);

    void sense(PhysicalEvent event);
}
