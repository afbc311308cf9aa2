package dev.posbench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kinds a failed scenario is sorted into, so forty red rows after a bad build read as "38
 * reversals missing, 2 timeouts": Allure's categories ({@code categories.json}), in this order.
 *
 * <p>Allure puts a result in every category whose pattern it matches; a failure is one kind, so
 * each category's pattern excludes what the kinds before it match, and the order is the
 * precedence: a leak outweighs whatever else went wrong in the same scenario.
 */
enum FailureKind {

    RIG_FAULT("Rig fault", "The rig or the terminal program stopped the scenario (emergency stop, interrupted "
            + "motion, a program that broke the terminal contract): no verdict on the terminal.",
            "emergency stop|motion was interrupted|every output is low|terminal\\.command|terminal contract", null),
    BAD_INPUT("Bench configuration or feature wrong", "Bad input: a configuration field, a card id, a feature. Not the terminal.",
            null, "BadInputException"),
    LEAK("PAN or PIN leak", "INV-2 or INV-3: more than the first 6 and last 4 digits of a PAN, or a clear PIN, on the "
            + "serial line, the wire or in what the run wrote.",
            "\\bINV-2\\b|\\bINV-3\\b|clear PIN|more than the first 6 and last 4", null),
    TIMEOUT("Timeout waiting for the terminal", "The terminal did not show what a step waited for within its timeout, "
            + "or went away before it did.",
            "^expected [^\\n]*(, but it did not show|serial link ended|before it showed)", null),
    REVERSAL("Missing or extra reversal", "INV-4 or a reversal step: a reversal the terminal owed and did not send, "
            + "or one it should not have sent.",
            "\\bINV-4\\b|reversal", null),
    MESSAGE("Message content wrong", "MSG-1, MSG-2 or a field check: a request the bank received does not carry what it must.",
            "\\bMSG-\\d\\b|field \\d+|PIN block|entry mode|SMS code", null),
    OUTCOME("Wrong outcome", "The terminal showed another outcome than the path requires, approved without the bank's "
            + "approval (INV-1), did not return to idle (INV-5), or sent the bank a request it should not have.",
            "\\bINV-1\\b|\\bINV-5\\b|expected [A-Z_]+|the terminal showed|the bank received|sign-on", null);

    final String title;
    final String description;
    /** Found anywhere in the failure's message; null: the kind is told by the trace only. */
    final String message;
    /** Found anywhere in the failure's trace; null: by the message only. Allure wants both to match when both are set. */
    final String trace;

    FailureKind(String title, String description, String message, String trace) {
        this.title = title;
        this.description = description;
        this.message = message;
        this.trace = trace;
    }

    /** The categories as Allure reads them, "not applicable" (a skipped scenario) last. */
    static List<Map<String, Object>> categories() {
        List<Map<String, Object>> out = new ArrayList<>();
        List<String> earlier = new ArrayList<>();
        for (FailureKind kind : values()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", kind.title);
            c.put("description", kind.description);
            c.put("matchedStatuses", List.of("failed", "broken"));
            // Allure matches the whole message; the look-ahead keeps out what an earlier kind claimed
            String exclude = earlier.isEmpty() ? "" : "(?!.*(?:" + String.join("|", earlier) + "))";
            if (kind.message != null) {
                c.put("messageRegex", "(?s)" + exclude + ".*(?:" + kind.message + ").*");
                earlier.add(kind.message);
            } else if (!exclude.isEmpty()) {
                c.put("messageRegex", "(?s)" + exclude + ".*");
            }
            if (kind.trace != null) {
                c.put("traceRegex", "(?s).*(?:" + kind.trace + ").*");
            }
            out.add(c);
        }
        Map<String, Object> notApplicable = new LinkedHashMap<>();
        notApplicable.put("name", "Not applicable");
        notApplicable.put("description", "The profile says the terminal lacks what the scenario needs: not judged, not passed.");
        notApplicable.put("matchedStatuses", List.of("skipped"));
        notApplicable.put("messageRegex", "(?s).*not applicable.*");
        out.add(notApplicable);
        return out;
    }
}
