package dev.posbench.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** An outcome matched against one named field of a decoded message, the whole field and that field only. */
class MessageFieldsTest {

    private static final TerminalProfile.Fields FIELDS = new TerminalProfile.Fields("\u001C", List.of("kind", "zh", "en"));
    private static final String APPROVED = "DISP\u001C交易成功\u001CAPPROVED";

    private static boolean found(String field, String regex, String message) {
        return FIELDS.fieldPattern(field, regex).matcher(message).find();
    }

    @Test
    void theNamedFieldMatchesWhole() {
        assertTrue(found("en", "APPROVED", APPROVED));
        assertTrue(found("zh", "交易成功", APPROVED));
        assertTrue(found("kind", "DISP", APPROVED));
        assertFalse(found("en", "APPROV", APPROVED), "the whole field, not a part of it");
        assertFalse(found("kind", "DISP.*", "LOG\u001CDISP\u001CX"), "another kind of message");
    }

    @Test
    void aMatchNeverCrossesIntoAnotherField() {
        assertFalse(found("zh", ".*APPROVED", APPROVED), "the zh field holds no APPROVED");
        assertFalse(found("kind", ".*成功.*", APPROVED));
        assertFalse(found("en", "APPROVED", "LOG\u001CAPPROVED"), "a log line has no en field");
        assertTrue(found("en", ".*", "DISP\u001C\u001C"), "an empty last field is a field");
    }

    @Test
    void namedGroupsReadFromTheField() {
        Pattern p = FIELDS.fieldPattern("en", "INCORRECT PIN(?: (?<tries>\\d+) TR(?:Y|IES) LEFT)?");
        Matcher m = p.matcher("DISP\u001C密码错,剩余2次\u001CINCORRECT PIN 2 TRIES LEFT");
        assertTrue(m.find());
        assertEquals("2", m.group("tries"));
        Matcher online = p.matcher("DISP\u001C密码错\u001CINCORRECT PIN");
        assertTrue(online.find());
        assertEquals(null, online.group("tries"));
    }
}
