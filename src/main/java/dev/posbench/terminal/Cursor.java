package dev.posbench.terminal;

/**
 * Where a series of waits on one {@link Transcript} has got to: the next line to look at. Each
 * successful {@link Transcript#await} moves it past the line it returned, so consecutive waits
 * see the terminal's lines in order and never match the same line twice.
 */
public final class Cursor {

    final Transcript transcript;
    /** Guarded by the transcript's lock. */
    int nextLine;

    Cursor(Transcript transcript, int nextLine) {
        this.transcript = transcript;
        this.nextLine = nextLine;
    }

    @Override
    public String toString() {
        return "Cursor[next line " + transcript.cursorPosition(this) + "]";
    }
}
