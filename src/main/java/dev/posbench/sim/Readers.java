package dev.posbench.sim;

import dev.posbench.channel.WorldMessage;

/**
 * The terminal's two card readers as the simulated rig fills them: the card the insert actuator
 * seated on the contacts, the card the tap actuator holds over the antenna. Each read-out goes to
 * the card's own chip, so its state (the PIN try counter) is the card's whichever way it is read.
 */
final class Readers implements CardField {

    private SimCard contact; // guarded by this
    private SimCard field; // guarded by this

    synchronized void inserted(SimCard card) {
        contact = card;
        // a card seated afresh powers up afresh: nothing selected
        card.chip().ifPresent(CardChip::reset);
    }

    synchronized void removed() {
        contact = null;
    }

    synchronized void tapped(SimCard card) {
        field = card;
        card.chip().ifPresent(CardChip::reset);
    }

    synchronized void tapEnded() {
        field = null;
    }

    @Override
    public synchronized boolean cardInContactReader() {
        return contact != null;
    }

    @Override
    public Answer transmit(WorldMessage.Reader reader, byte[] command) {
        SimCard card;
        synchronized (this) {
            card = reader == WorldMessage.Reader.CONTACT ? contact : field;
        }
        if (card == null || card.chip().isEmpty()) {
            return new Answer.NoCard();
        }
        return card.chip().get().transmit(command)
                .<Answer>map(Answer.Response::new)
                .orElseGet(Answer.Mute::new);
    }
}
