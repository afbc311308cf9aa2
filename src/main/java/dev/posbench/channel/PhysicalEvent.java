package dev.posbench.channel;

/**
 * What the rig's mechanics did to the terminal, as the terminal's hardware senses it. These are
 * plain values: they cross the terminal contract as the {@code swipe}, {@code insert},
 * {@code remove}, {@code tap}, {@code tap-end} and {@code key} lines of {@link WorldMessage}. The
 * chip itself never travels: the terminal reaches it in APDUs once a card is inserted or tapped.
 * Power is not an event a terminal senses; it is the terminal program's life.
 */
public sealed interface PhysicalEvent {

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

        @Override
        public boolean equals(Object o) {
            return o instanceof CardSwiped other && java.util.Arrays.equals(stripe, other.stripe)
                    && Double.compare(speedCmPerSecond, other.speedCmPerSecond) == 0;
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(stripe) * 31 + Double.hashCode(speedCmPerSecond);
        }

        @Override
        public String toString() {
            // the stripe carries the PAN: its length is all a log may show
            return "CardSwiped[" + stripe.length + " characters at " + speedCmPerSecond + " cm/s]";
        }
    }

    /** A card is seated in the chip reader: its chip answers on the contact reader. */
    record CardInserted() implements PhysicalEvent {}

    /** The card left the chip reader. */
    record CardRemoved() implements PhysicalEvent {}

    /** A card entered the contactless antenna's field: its chip answers on the contactless reader. */
    record CardTapped() implements PhysicalEvent {}

    /** The tapped card left the antenna's field. */
    record TapEnded() implements PhysicalEvent {}

    /** A key of the terminal's keypad was pressed. */
    record KeyPressed(Key key) implements PhysicalEvent {}
}
