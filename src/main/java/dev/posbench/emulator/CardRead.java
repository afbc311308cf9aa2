package dev.posbench.emulator;

import dev.posbench.channel.Pans;
import java.util.Optional;

/** A card as the terminal read it, through one of its three interfaces. */
sealed interface CardRead {

    String ENTRY_SWIPE = "021";
    String ENTRY_CHIP = "051";
    String ENTRY_CONTACTLESS = "071";
    String ENTRY_FALLBACK = "801";

    String pan();

    /** YYMM. */
    String expiry();

    /** Field 22. */
    String entryMode();

    /** Field 35: the stripe's track 2 as read, or the chip's track 2 equivalent data. */
    String track2();

    /** The application id, for chip and contactless reads. */
    Optional<String> aid();

    /** Read from the magnetic stripe. */
    record Swiped(String pan, String expiry, String serviceCode, String track2, String entryMode) implements CardRead {

        /** Splits {@code PAN=YYMMSSS...}; empty when the track has no such shape. */
        static Optional<Swiped> parse(String track2) {
            int separator = track2.indexOf('=');
            if (separator < 1 || track2.length() < separator + 8) {
                return Optional.empty();
            }
            String expiry = track2.substring(separator + 1, separator + 5);
            String serviceCode = track2.substring(separator + 5, separator + 8);
            if (!(expiry + serviceCode).chars().allMatch(Character::isDigit)) {
                return Optional.empty();
            }
            return Optional.of(new Swiped(track2.substring(0, separator), expiry, serviceCode, track2, ENTRY_SWIPE));
        }

        /** Service code 2xx or 6xx: the card has a chip, which the terminal must use instead. */
        boolean hasChip() {
            return serviceCode.startsWith("2") || serviceCode.startsWith("6");
        }

        Swiped withEntryMode(String mode) {
            return new Swiped(pan, expiry, serviceCode, track2, mode);
        }

        @Override
        public Optional<String> aid() {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "Swiped[pan=" + Pans.mask(pan) + ", entryMode=" + entryMode + "]";
        }
    }

    /**
     * Read from an EMV application, over the contacts or the antenna: everything but the entry mode
     * comes from the selected application, the same way for both interfaces.
     */
    sealed interface FromApplication extends CardRead permits ChipCard, Contactless {

        CardApplication application();

        @Override
        default String pan() {
            return application().pan();
        }

        @Override
        default String expiry() {
            return application().expiry();
        }

        /** The track 2 equivalent data, its separator written 'D' as field 35 carries it. */
        @Override
        default String track2() {
            return application().track2Equivalent().replace('=', 'D');
        }

        @Override
        default Optional<String> aid() {
            return Optional.of(application().aid());
        }
    }

    /** Read from the chip, which stays in the reader until the transaction completes. */
    record ChipCard(Chip chip, CardApplication application) implements FromApplication {
        @Override
        public String entryMode() {
            return ENTRY_CHIP;
        }
    }

    /** Read over the contactless antenna. */
    record Contactless(CardApplication application) implements FromApplication {
        @Override
        public String entryMode() {
            return ENTRY_CONTACTLESS;
        }
    }
}
