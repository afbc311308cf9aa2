/**
 * The reference terminal: a card-payment terminal's firmware in software, the device under test on
 * the simulated rig.
 *
 * <p>It sees only the channels a real terminal has: the physical events the rig's mechanics cause
 * (a swipe, an insert, a key, the power), its serial console, and the bank's URL. It depends on
 * {@code dev.posbench.channel}, the JDK, Jackson and slf4j alone, so nothing of the bench can leak
 * into the terminal's behaviour. It behaves as a correct terminal on every path of the
 * authentication-failure catalog unless {@link dev.posbench.emulator.Defect seeded defects} make it
 * mishandle some on purpose, which proves that the bench's scenarios can fail.
 */
package dev.posbench.emulator;
