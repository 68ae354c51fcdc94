package kdns.plugin.kubernetes.watch;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;

/**
 * The lines of a watch response (one event per line, as the API server writes them) read into one
 * growing buffer, each readable by a {@link JsonReader} shared by all the lines of the stream.
 *
 * <p>Why: {@code BufferedReader.readLine} made a String per event (the line copied twice), and a
 * {@code JsonReader} over each (its 1,024-char buffer and stacks) was the largest allocation of a
 * large cluster's first sync. Here the line stays in this buffer: {@link #reader()} reads it
 * without a copy, and {@link #text()} makes its String only for the events that need it (the ones
 * the direct decoding declines go to the JSON tree, and errors quote the line).
 *
 * <p>Lines end as {@code readLine}'s do (LF, CR or CR LF, or the end of the stream); blank lines
 * (only {@link Character#isWhitespace} characters) are skipped. All reading from the network
 * happens in {@link #next()}: the JSON reader only ever sees the current line, so a declined or
 * broken event cannot make it read into the next one, and it never blocks.
 *
 * <p>How one {@link JsonReader} reads line after line: each line is a separate top-level value of
 * its input (accepted in {@link Strictness#LENIENT} mode only, so {@link #begin()} switches to it
 * around the value's start and back to the default for the value itself); the reader reports the
 * end of its input only when asked to look past a value, which would make it stop for good, so
 * whether anything follows the object on its line is answered here instead ({@link
 * #wholeLineRead()}): the line's last non-blank character is handed to the reader by itself, only
 * once everything before it has been, so it has been handed over if and only if the reader went
 * past everything before it, which it does only inside the value (Gson's reader never looks past
 * a value's closing bracket). A reader in any other state (an event declined or broken half-way)
 * is {@link #discardReader() dropped} and the next line gets a new one.
 *
 * <p>Not thread-safe: the reflector's thread reads a stream (the streaming list hands it to the
 * watch on the same thread).
 */
final class EventLines {

    /** The buffer's usual size (a line of a large cluster's events is 1-3 KiB). */
    static final int INITIAL_CHARS = 16 * 1024;

    private final Reader source;
    private char[] buf = new char[INITIAL_CHARS];
    /** {@code buf[0, filled)} holds what was read from the source. */
    private int filled;
    /** Where the unread part after the current line starts (its terminator already skipped or not). */
    private int scan;
    private boolean eof;
    /** The current line is {@code buf[start, end)}; {@code last} is its last non-blank character. */
    private int start;
    private int end;
    private int last;
    /** How far the JSON reader has been given the current line. */
    private int served;
    private final LineReader view = new LineReader();
    private JsonReader json;

    EventLines(Reader source) {
        this.source = source;
    }

    /**
     * Moves to the next line that is not blank; false at the end of the stream.
     *
     * @throws IOException from the source (a lost connection, or the request cancelled)
     */
    boolean next() throws IOException {
        int from = scan;
        int i = from;
        while (true) {
            while (i < filled) {
                char c = buf[i];
                if (c == '\n' || c == '\r') {
                    scan = i + 1;
                    if (setLine(from, i)) {
                        return true;
                    }
                    from = scan;
                }
                i++;
            }
            if (eof) {
                scan = filled;
                return from < filled && setLine(from, filled);
            }
            // Keep the partial line at the start of the buffer, then read more.
            int kept = filled - from;
            compact(from, kept);
            i = kept;
            from = 0;
            fill();
        }
    }

    /** Makes {@code buf[from, to)} the current line unless it is blank. */
    private boolean setLine(int from, int to) {
        int l = to - 1;
        while (l >= from && (buf[l] == ' ' || buf[l] == '\t')) {
            l--; // JSON's own blanks after the value (the line cannot hold CR or LF)
        }
        boolean blank = true;
        for (int k = from; k <= l && blank; k++) {
            blank = Character.isWhitespace(buf[k]);
        }
        if (blank) {
            return false;
        }
        start = from;
        end = to;
        last = l;
        served = from;
        return true;
    }

    /** Moves {@code buf[from, from + kept)} to the start, in a buffer of the usual size when it fits again. */
    private void compact(int from, int kept) {
        char[] target = buf;
        if (buf.length > INITIAL_CHARS && kept < INITIAL_CHARS / 2) {
            target = new char[INITIAL_CHARS]; // a very long line is over: do not hold its buffer
        } else if (kept == buf.length) {
            target = Arrays.copyOf(buf, buf.length * 2); // a line longer than the buffer
        }
        System.arraycopy(buf, from, target, 0, kept);
        buf = target;
        filled = kept;
        scan = 0;
        start = end = last = served = 0;
    }

    private void fill() throws IOException {
        int n = source.read(buf, filled, buf.length - filled);
        if (n < 0) {
            eof = true;
        } else {
            filled += n;
        }
    }

    /** The current line as a String (for the JSON tree, and to quote it). */
    String text() {
        return new String(buf, start, end - start);
    }

    /**
     * The JSON reader shared by the lines, at the start of the current line: call {@link #begin()}
     * to enter the line's object, {@link #wholeLineRead()} after its end, and {@link
     * #discardReader()} when it stops anywhere else.
     */
    JsonReader reader() {
        if (json == null) {
            json = new JsonReader(view);
        }
        return json;
    }

    /**
     * {@code reader().beginObject()} at the current line's start (after the first line, a further
     * top-level value of the reader's input).
     */
    void begin() throws IOException {
        JsonReader in = reader();
        in.setStrictness(Strictness.LENIENT);
        in.beginObject();
        // The value itself as strictly as a reader of its own would read it.
        in.setStrictness(Strictness.LEGACY_STRICT);
    }

    /** After the line's object was read to its end: whether nothing but blanks follows it on the line. */
    boolean wholeLineRead() {
        return served > last;
    }

    /** The shared reader is in an unknown state: the next line gets a new one. */
    void discardReader() {
        json = null;
    }

    /** The current line to the shared JSON reader, its last non-blank character alone and last. */
    private final class LineReader extends Reader {
        @Override
        public int read(char[] into, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (served > last) {
                return -1;
            }
            int n = served < last ? Math.min(len, last - served) : 1;
            System.arraycopy(buf, served, into, off, n);
            served += n;
            return n;
        }

        @Override
        public void close() {
            // the stream is the response's, closed with it
        }
    }
}
