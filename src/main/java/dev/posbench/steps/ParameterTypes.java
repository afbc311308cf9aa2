package dev.posbench.steps;

import dev.posbench.BadInputException;
import dev.posbench.cards.TestCard;
import dev.posbench.channel.Key;
import dev.posbench.terminal.Outcome;
import io.cucumber.java.ParameterType;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Step arguments in the domain's types. A wrong argument is bad input that says what would be
 * right, not an "undefined step": the regular expressions are loose on purpose so a typo reaches
 * the check that can name it.
 */
public final class ParameterTypes {

    private final Scenario scenario;

    public ParameterTypes(Scenario scenario) {
        this.scenario = scenario;
    }

    @ParameterType("\"([^\"]*)\"")
    public TestCard card(String id) {
        return scenario.bench.config().deck().card(id);
    }

    @ParameterType("[A-Za-z_]+")
    public Outcome outcome(String name) {
        try {
            return Outcome.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("step argument " + name, "not a canonical outcome; known: "
                    + Arrays.stream(Outcome.values()).map(Enum::name).collect(Collectors.joining(", ")));
        }
    }

    /** An amount in major units with two decimals ("12.50"), as minor units (fen, cents). */
    @ParameterType("\\d+(?:\\.\\d+)?")
    public long amount(String text) {
        BigDecimal value = new BigDecimal(text);
        if (value.scale() > 2 || value.signum() <= 0) {
            throw new BadInputException("step argument " + text, "an amount is positive with at most two decimals, like 12.50");
        }
        return value.movePointRight(2).longValueExact();
    }

    @ParameterType("[A-Za-z0-9]+")
    public Key key(String label) {
        return Key.ofLabel(label).orElseThrow(() -> new BadInputException("step argument " + label,
                "not a key; keys are 0-9, ENTER, CANCEL, CLEAR"));
    }

    @ParameterType("swiping|inserting|tapping")
    public CardholderSteps.Presentation presentation(String word) {
        return CardholderSteps.Presentation.valueOf(word.toUpperCase(java.util.Locale.ROOT));
    }

    @ParameterType("the right PIN|a wrong PIN")
    public CardholderSteps.PinChoice pinChoice(String words) {
        return words.equals("the right PIN") ? CardholderSteps.PinChoice.RIGHT : CardholderSteps.PinChoice.WRONG;
    }

    /** Swipe speed in cm/s. */
    @ParameterType("\\d+(?:\\.\\d+)?")
    public double speed(String text) {
        double v = Double.parseDouble(text);
        if (v <= 0 || v > 1000) {
            throw new BadInputException("step argument " + text, "a swipe speed is between 0 and 1000 cm/s");
        }
        return v;
    }
}
