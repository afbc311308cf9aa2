package dev.posbench.emulator;

import dev.posbench.channel.FrameFormat;
import java.io.OutputStream;
import java.util.Optional;
import java.util.Set;

/**
 * How the reference terminal's serial port is set up, from the same profile the bench reads: plain
 * lines or ECR frames, and which prompts it keeps to its display ({@code silentPrompts}), as many
 * real terminals do that send only results to the cash register.
 *
 * @param frames        the ECR framing; empty for the plain-text console
 * @param silentPrompts canonical names of the prompts not sent: PRESENT_CARD, ENTER_PIN, ENTER_OTP
 * @param fieldSeparator when set, a message is fields: {@code DISP|<中文>|<ENGLISH>}, {@code LOG|<text>}
 */
record Console(Optional<FrameFormat> frames, Set<String> silentPrompts, Optional<String> fieldSeparator) {

    static final Console PLAIN = new Console(Optional.empty(), Set.of(), Optional.empty());

    Console {
        silentPrompts = Set.copyOf(silentPrompts);
    }

    ConsoleLink link(OutputStream out) {
        return frames.<ConsoleLink>map(f -> new ConsoleLink.Frames(f, out)).orElseGet(() -> new ConsoleLink.Lines(out));
    }

    /** A display change as the port carries it. */
    String display(Screen screen) {
        return fieldSeparator.map(sep -> "DISP" + sep + screen.zh() + sep + screen.en()).orElseGet(screen::line);
    }

    /** A log line as the port carries it. */
    String log(String text) {
        return fieldSeparator.map(sep -> "LOG" + sep + text).orElseGet(() -> "LOG " + text);
    }

    /** Whether this screen stays off the serial port: a silent prompt, or the digits typed into it. */
    boolean silent(Screen screen) {
        return (silentPrompts.contains("PRESENT_CARD") && screen.en().startsWith("PRESENT CARD"))
                || (silentPrompts.contains("ENTER_PIN") && (screen.equals(Screen.ENTER_PIN) || screen.en().startsWith("PIN: ")))
                || (silentPrompts.contains("ENTER_OTP") && (screen.equals(Screen.ENTER_OTP) || screen.en().startsWith("CODE: ")));
    }
}
