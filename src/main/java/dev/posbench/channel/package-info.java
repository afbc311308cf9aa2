/**
 * The channel contract between the simulated rig and a terminal under test.
 *
 * <p>A terminal under test (the reference emulator, or a vendor's simulator of its firmware) sees
 * only four channels: the physical events the rig's mechanics cause ({@link PhysicalEvent}), its
 * end of a serial line, the bank's URL, and its power (a {@link PhysicalEvent.PowerChanged}).
 * Everything here is plain data or arithmetic of the payment domain that both sides must agree on:
 * the magnetic stripe encoding ({@link Track2}), the reference bank dialect ({@link IsoMessage}),
 * PIN blocks ({@link PinBlock}) and message authentication ({@link MessageMac}).
 *
 * <p>This package depends on the JDK and Jackson alone, so a terminal implementation needs nothing else of posbench;
 * the contract in prose, for terminals written in other languages, is in the README.
 */
package dev.posbench.channel;
