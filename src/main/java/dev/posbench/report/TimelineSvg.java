package dev.posbench.report;

import dev.posbench.report.Timeline.Event;
import dev.posbench.report.Timeline.Gap;
import dev.posbench.report.Timeline.Lane;
import dev.posbench.report.Timeline.Message;
import dev.posbench.report.Timeline.Note;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link Timeline} drawn as a sequence chart: three lifelines (rig, terminal, bank), one row per
 * event from top to bottom, arrows for what went from one party to another, and a shaded band
 * for each pause a timer made, labelled with its length. A standalone SVG document with no script
 * and no external reference, so the report shows it as an image, offline.
 */
public final class TimelineSvg {

    private static final int WIDTH = 1240;
    private static final int TOP = 56;
    private static final int ROW = 22;
    private static final int GAP_ROW = 40;
    private static final int TIME_COLUMN = 110;
    /** Pixels per character of the 12 px monospace font, to cut labels to the room they have. */
    private static final double CHAR = 7.3;
    private static final Map<Lane, Integer> X = Map.of(Lane.RIG, 250, Lane.TERMINAL, 640, Lane.BANK, 1060);
    private static final Map<Lane, String> COLOR = Map.of(Lane.RIG, "#1f6feb", Lane.TERMINAL, "#1a7f37", Lane.BANK, "#9a6700");

    private TimelineSvg() {}

    public static String render(Timeline timeline, String title) {
        int height = TOP + 20;
        for (Event e : timeline.events()) {
            height += e instanceof Gap ? GAP_ROW : ROW;
        }
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"12\">\n")
                .append("<title>").append(escape(title)).append("</title>\n")
                .append("<defs>");
        for (Lane lane : Lane.values()) {
            svg.append("<marker id=\"head-").append(Timeline.lane(lane))
                    .append("\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">")
                    .append("<path d=\"M0,0 L10,5 L0,10 z\" fill=\"").append(COLOR.get(lane)).append("\"/></marker>");
        }
        svg.append("</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        for (Lane lane : Lane.values()) {
            int x = X.get(lane);
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%d\" y=\"8\" width=\"120\" height=\"26\" rx=\"4\" fill=\"%s\"/>"
                            + "<text x=\"%d\" y=\"26\" text-anchor=\"middle\" fill=\"#ffffff\" font-weight=\"bold\">%s</text>\n"
                            + "<line x1=\"%d\" y1=\"34\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-dasharray=\"4 3\"/>\n",
                    x - 60, COLOR.get(lane), x, Timeline.lane(lane), x, x, height - 10, COLOR.get(lane)));
        }
        int y = TOP;
        for (Event e : timeline.events()) {
            switch (e) {
                case Gap g -> {
                    // opaque: the lifelines break where the clock jumps
                    svg.append(String.format(Locale.ROOT,
                            "<g class=\"gap\"><rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#eef1f4\"/>"
                                    + "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#57606a\" font-style=\"italic\">"
                                    + "%s without a word</text></g>\n",
                            y + 4, WIDTH, GAP_ROW - 8, WIDTH / 2, y + GAP_ROW / 2 + 4, Timeline.seconds(g.length())));
                    y += GAP_ROW;
                    continue;
                }
                case Message m -> {
                    int from = X.get(m.from());
                    int to = X.get(m.to());
                    int arrowY = y + 14;
                    String color = COLOR.get(m.from());
                    svg.append(String.format(Locale.ROOT,
                            "<g class=\"message\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\" "
                                    + "marker-end=\"url(#head-%s)\"/>",
                            from, arrowY, to + (to > from ? -2 : 2), arrowY, color, Timeline.lane(m.from())));
                    int room = Math.abs(to - from) - 16;
                    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">",
                            (from + to) / 2, arrowY - 4, color));
                    label(svg, m.text(), room).append("</text></g>\n");
                }
                case Note n -> {
                    int x = X.get(n.lane());
                    String color = COLOR.get(n.lane());
                    svg.append(String.format(Locale.ROOT, "<g class=\"note\"><circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"%s\"/>",
                            x, y + 11, color));
                    // the bank's notes read leftwards, so they stay inside the picture
                    boolean left = n.lane() == Lane.BANK;
                    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" fill=\"%s\">",
                            left ? x - 8 : x + 8, y + 15, left ? "end" : "start", color));
                    label(svg, n.text(), X.get(Lane.BANK) - X.get(Lane.TERMINAL) - 24).append("</text></g>\n");
                }
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"8\" y=\"%d\" fill=\"#57606a\">%s</text>\n",
                    y + 15, String.format(Locale.ROOT, "%+.3f s", timeline.since(e.at()))));
            y += ROW;
        }
        if (timeline.events().isEmpty()) {
            svg.append("<text x=\"").append(TIME_COLUMN).append("\" y=\"").append(TOP + 14)
                    .append("\">nothing happened</text>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    /** The text, cut to the room it has (the whole of it in a tooltip). */
    private static StringBuilder label(StringBuilder svg, String text, int room) {
        int max = Math.max(8, (int) (room / CHAR));
        // a Chinese character takes two columns of a monospace font
        int columns = 0;
        int end = 0;
        while (end < text.length()) {
            int c = text.codePointAt(end);
            int w = Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN || (c >= 0xFF00 && c <= 0xFFEF) ? 2 : 1;
            if (columns + w > max - 1) {
                break;
            }
            columns += w;
            end += Character.charCount(c);
        }
        String shown = end >= text.length() ? text : text.substring(0, end) + "\u2026";
        if (!shown.equals(text)) {
            svg.append("<title>").append(escape(text)).append("</title>");
        }
        return svg.append(escape(shown));
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> {
                    // XML 1.0 allows no control characters but tab, LF and CR
                    if (c < 0x20 && c != '\t') {
                        out.append(String.format(Locale.ROOT, "\\x%02x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }
}
