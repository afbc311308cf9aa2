/**
 * The terminal contract between the simulated rig and a terminal under test, and the payment
 * arithmetic both sides must agree on.
 *
 * <p>A terminal program (posbench's reference terminal, or a vendor's simulator of its firmware)
 * sees only its serial end, the bank's address, its power, and the physical-world socket whose
 * lines are {@link WorldMessage}s: the events the rig's mechanics cause ({@link PhysicalEvent}) and
 * the chip's APDUs ({@link Apdus}, with {@link Tlv} for the card's data objects). Everything here is
 * plain data or arithmetic: the magnetic stripe encoding ({@link Track2}), the reference bank
 * dialect ({@link IsoMessage}), PIN blocks ({@link PinBlock}) and message authentication
 * ({@link MessageMac}). No Java object of the bench crosses the seam: the simulated card lives on
 * the bench's side and answers in APDUs.
 *
 * <p>This package depends on the JDK and Jackson alone. The contract in prose, precise enough for a
 * terminal written in any language, is {@code docs/terminal-contract.md}.
 */
package dev.posbench.channel;
