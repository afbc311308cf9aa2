/**
 * The reference terminal: a card-payment terminal's firmware in software, the device under test on
 * the simulated rig.
 *
 * <p>It runs as a program of its own ({@link dev.posbench.emulator.Main}), started by posbench
 * through the terminal contract ({@code docs/terminal-contract.md}) exactly as a vendor's simulator
 * is. It sees only the channels a real terminal has: its serial end, the bank's URL, the physical
 * events of the world socket, and the card's chip, reached in APDUs over that socket. It depends on
 * {@code dev.posbench.channel}, the JDK, Jackson and slf4j alone, so nothing of the bench can leak
 * into the terminal's behaviour. It behaves as a correct terminal on every path of the
 * authentication-failure catalog unless {@link dev.posbench.emulator.Defect seeded defects} make it
 * mishandle some on purpose, which proves that the bench's scenarios can fail.
 */
package dev.posbench.emulator;
