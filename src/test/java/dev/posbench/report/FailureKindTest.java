package dev.posbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Failure messages as scenarios give them, each sorted into exactly one kind, as Allure matches categories. */
class FailureKindTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            PAN or PIN leak | failed | invariants violated: INV-2, MSG-1 (INV-2 the terminal showed more than the first 6 and last 4 digits of PAN 622588******5675 on its serial output)
            PAN or PIN leak | failed | field 52 contains the clear PIN
            Missing or extra reversal | failed | the bank did not receive a reversal (0400) with reason 98 in field 39 within 11000 ms; it received 1 request(s):
            Missing or extra reversal | failed | invariants violated: INV-4 (INV-4 the authorization with STAN 000002 got no definitive answer and no reversal)
            Missing or extra reversal | failed | the bank received 1 reversal(s), expected none:
            Timeout waiting for the terminal | failed | expected COMM_TIMEOUT (reference.yaml outcomes.COMM_TIMEOUT: /COMMUNICATION TIMEOUT/) within 5.0 s, but it did not show. \\nLast 8 lines from the terminal:\\n  LOG REVERSAL STAN 000002
            Message content wrong | failed | invariants violated: MSG-1 (MSG-1 the authorization with STAN 000003 carries amount 000000006601, the sale was 6600)
            Message content wrong | failed | the authorization carries entry mode 021 (field 22), not a fallback
            Wrong outcome | failed | expected INCORRECT_PIN (reference.yaml outcomes.INCORRECT_PIN: /INCORRECT PIN/), but the terminal finished the transaction without showing it
            Wrong outcome | failed | invariants violated: INV-1 (INV-1 APPROVED shown while the bank held its answer)
            Wrong outcome | failed | the bank received 2 authorization(s), expected 1:
            Rig fault | broken | RigStoppedException: the emergency stop (BCM 21) is pressed: every output is low
            Rig fault | broken | the terminal program (rig.yaml terminal.command) exited at once
            Not applicable | skipped | not applicable: the terminal has no contactless antenna
            """)
    void eachFailureIsOneKind(String kind, String status, String message) {
        String text = message.replace("\\n", "\n");
        List<String> matched = FailureKind.categories().stream().filter(c -> matches(c, status, text))
                .map(c -> (String) c.get("name")).toList();
        assertEquals(List.of(kind), matched, text);
    }

    /** Allure 2's rule: the status is listed, and each regex given matches the whole text. */
    @SuppressWarnings("unchecked")
    private static boolean matches(Map<String, Object> category, String status, String message) {
        if (!((List<String>) category.get("matchedStatuses")).contains(status)) {
            return false;
        }
        String regex = (String) category.get("messageRegex");
        String trace = (String) category.get("traceRegex");
        return (regex == null || Pattern.compile(regex, Pattern.DOTALL).matcher(message).matches())
                && (trace == null || Pattern.compile(trace, Pattern.DOTALL).matcher("java.lang.AssertionError: " + message).matches());
    }
}
