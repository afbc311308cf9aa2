package dev.posbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.posbench.bank.FakeBank.Exchange;
import dev.posbench.channel.IsoMessage;
import dev.posbench.rig.ActuationLog;
import dev.posbench.terminal.Transcript;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** HC-01 as the three sources record it, put on one clock. */
class TimelineTest {

    private static final String PAN = "6225880123455675";
    private static final Instant T0 = Instant.parse("2026-11-22T03:00:01.584Z");

    @TempDir
    Path dir;

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    /** The bank holds its answer 4 s; the terminal gives up after 1.5 s and reverses. */
    static Timeline hostTimeout() {
        List<ActuationLog.Row> rig = new ArrayList<>();
        rig.add(new ActuationLog.Row(at(2), "swipe slot 2 at 50.0 cm/s"));
        rig.add(new ActuationLog.Row(at(2), "  swipe-carriage high"));
        for (int i = 0; i < 6; i++) {
            rig.add(new ActuationLog.Row(at(186 + 41 * i), "key * (secret entry)"));
        }
        rig.add(new ActuationLog.Row(at(432), "key ENTER"));
        rig.add(new ActuationLog.Row(at(1966), "remove card"));
        List<Transcript.Line> lines = new ArrayList<>();
        int n = 0;
        lines.add(new Transcript.Line(n++, at(2), "DISP 请刷卡/插卡/挥卡 金额 ¥66.00 / PRESENT CARD AMOUNT 66.00"));
        lines.add(new Transcript.Line(n++, at(185), "LOG CARD " + PAN + " ENTRY 021"));
        for (int i = 1; i <= 6; i++) {
            lines.add(new Transcript.Line(n++, at(187 + 41 * (i - 1)), "DISP 密码: " + "*".repeat(i) + " / PIN: " + "*".repeat(i)));
        }
        lines.add(new Transcript.Line(n++, at(436), "DISP 处理中 / PROCESSING"));
        lines.add(new Transcript.Line(n++, at(439), "LOG SEND 0100 STAN 000002"));
        lines.add(new Transcript.Line(n++, at(1945), "DISP 通讯超时 / COMMUNICATION TIMEOUT"));
        lines.add(new Transcript.Line(n++, at(1953), "LOG SEND 0400 STAN 000002"));
        lines.add(new Transcript.Line(n++, at(1970), "LOG RECV 0410 STAN 000002 CODE 00"));
        lines.add(new Transcript.Line(n, at(1971), "DISP 欢迎使用 / WELCOME"));
        List<Transcript.Chunk> sent = List.of(new Transcript.Chunk(at(0), Transcript.Direction.TO_TERMINAL,
                "SALE 6600\r\n".getBytes(StandardCharsets.UTF_8)));
        IsoMessage auth = new IsoMessage("0100", Map.of(2, PAN, 4, "000000006600", 11, "000002", 52, "0412AC89ABCDEF01"));
        IsoMessage authAnswer = new IsoMessage("0110", Map.of(11, "000002", 39, "00"));
        IsoMessage reversal = new IsoMessage("0400", Map.of(2, PAN, 11, "000002", 39, "98"));
        IsoMessage reversalAnswer = new IsoMessage("0410", Map.of(11, "000002", 39, "00"));
        List<Exchange> exchanges = List.of(
                new Exchange(at(447), "{}", Optional.of(auth), 200, "{}", Optional.of(authAnswer), Optional.empty(),
                        Duration.ofMillis(4000)),
                new Exchange(at(1959), "{}", Optional.of(reversal), 200, "{}", Optional.of(reversalAnswer),
                        Optional.empty(), Duration.ZERO));
        return Timeline.of(rig, lines, sent, StandardCharsets.UTF_8, exchanges);
    }

    @Test
    void hostTimeoutReadsInOrderWithTheSilenceAsAGap() {
        String text = hostTimeout().text();
        List<String> story = List.of("serial: SALE 6600", "swipe slot 2", "key * (secret entry) x6", "key ENTER",
                "0100 authorization request, STAN 000002", "without a word", "COMMUNICATION TIMEOUT",
                "0400 reversal request, STAN 000002, 39=98", "0410 reversal answer, STAN 000002, 39=00", "WELCOME");
        int from = -1;
        for (String part : story) {
            int at = text.indexOf(part);
            assertTrue(at > from, "\"" + part + "\" after what came before it:\n" + text);
            from = at;
        }
        assertTrue(text.contains("1.498 s without a word"), "the host timeout, from the request to the terminal giving up:\n" + text);
        assertTrue(text.contains("would leave after the scenario ended"), "the held-back answer is told, not drawn:\n" + text);
        assertFalse(text.contains("swipe-carriage"), "pin changes stay in the actuation log");
        assertFalse(text.contains(PAN), text);
        assertTrue(text.contains("622588******5675"), text);
        assertFalse(text.contains("0412AC89"), "no PIN block");
    }

    @Test
    void theChartIsWellFormedSvgWithThreeLanesAndNoFullPan() throws Exception {
        Timeline timeline = hostTimeout();
        String svg = TimelineSvg.render(timeline, "HC-01 & <friends>");

        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        assertEquals(1, count(svg, "class=\"gap\""), "one silence: the host timeout");
        long messages = timeline.events().stream().filter(e -> e instanceof Timeline.Message).count();
        assertEquals(messages, count(svg, "class=\"message\""));
        for (String lane : List.of(">rig<", ">terminal<", ">bank<")) {
            assertTrue(svg.contains(lane), lane);
        }
        Path file = dir.resolve("timeline.svg");
        Files.writeString(file, svg);
        assertEquals(List.of(), WrittenFiles.panLeaks(dir, List.of(PAN)));
    }

    @Test
    void anEmptyScenarioSaysSo() {
        Timeline empty = Timeline.of(List.of(), List.of(), List.of(), StandardCharsets.UTF_8, List.of());
        assertEquals("timeline: nothing happened\n", empty.text());
        assertTrue(TimelineSvg.render(empty, "x").contains("nothing happened"));
    }

    private static long count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }
}
