package dev.posbench.cards;

import dev.posbench.BadInputException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The test cards loaded in the rig's deck, by id. */
public record CardDeck(Path file, Map<String, TestCard> cards) {

    public CardDeck {
        cards = Map.copyOf(cards);
    }

    public static CardDeck of(Path file, List<TestCard> cards) {
        return new CardDeck(file, cards.stream().collect(Collectors.toMap(TestCard::id, Function.identity())));
    }

    /** The card with this id; an unknown id is bad input that names the deck file and the ids it has. */
    public TestCard card(String id) {
        TestCard card = cards.get(id);
        if (card == null) {
            throw new BadInputException(file.toString(),
                    "no card with id \"" + id + "\" in the deck (it has: "
                            + cards.keySet().stream().sorted().collect(Collectors.joining(", ")) + ")");
        }
        return card;
    }
}
