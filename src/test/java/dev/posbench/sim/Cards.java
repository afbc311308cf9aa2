package dev.posbench.sim;

import dev.posbench.cards.TestCard;
import dev.posbench.cards.TestCard.ChipBehaviour;
import dev.posbench.cards.TestCard.StripeCondition;
import dev.posbench.cards.TestCard.Technology;
import java.util.Set;

/** Test cards for the simulated rig's tests. */
final class Cards {

    static final String PIN = "1234";

    private Cards() {}

    static TestCard stripe(String id, int slot, String pan, StripeCondition condition) {
        return card(id, slot, pan, "101", Set.of(Technology.STRIPE), condition, null);
    }

    static TestCard chip(String id, int slot, String pan, ChipBehaviour chip) {
        return card(id, slot, pan, "201", Set.of(Technology.STRIPE, Technology.CHIP), StripeCondition.GOOD, chip);
    }

    static TestCard contactless(String id, int slot, String pan) {
        return card(id, slot, pan, "201", Set.of(Technology.STRIPE, Technology.CHIP, Technology.CONTACTLESS),
                StripeCondition.GOOD, new ChipBehaviour(true, false, 3));
    }

    static TestCard card(String id, int slot, String pan, String serviceCode, Set<Technology> technologies,
            StripeCondition condition, ChipBehaviour chip) {
        String expiry = "3012";
        return new TestCard(id, technologies, pan, expiry, serviceCode, PIN, slot, "A0000000031010", condition,
                pan + "=" + expiry + serviceCode + "0000012345", chip);
    }
}
