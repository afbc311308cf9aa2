package dev.posbench.channel;

/** What the rig's mechanics did to the terminal, as the terminal's hardware would sense it. */
public sealed interface PhysicalEvent {

    /** The power relay switched the terminal on or off. */
    record PowerChanged(boolean on) implements PhysicalEvent {}

    /**
     * A card went through the swipe slot. {@code stripe} is track 2 as the read head sees it: one
     * 5-bit character per byte (see {@link Track2}), empty for a blank stripe.
     */
    record CardSwiped(byte[] stripe, double speedCmPerSecond) implements PhysicalEvent {
        public CardSwiped {
            stripe = stripe.clone();
        }

        @Override
        public byte[] stripe() {
            return stripe.clone();
        }
    }

    /** A card was pushed into the chip reader and its contacts touch the terminal's. */
    record CardInserted(Chip chip) implements PhysicalEvent {}

    /** The card left the chip reader. */
    record CardRemoved() implements PhysicalEvent {}

    /** A card was held over the contactless antenna. */
    record CardTapped(CardApplication application) implements PhysicalEvent {}

    /** A key of the terminal's keypad was pressed. */
    record KeyPressed(Key key) implements PhysicalEvent {}
}
