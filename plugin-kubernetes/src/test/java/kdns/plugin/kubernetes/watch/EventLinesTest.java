package kdns.plugin.kubernetes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link EventLines}: the lines of a watch stream as {@code readLine} splits them, however the
 * stream arrives (a character at a time, in pieces that split lines, all at once), a line longer
 * than the buffer; one JSON reader reading line after line, telling whether anything follows a
 * line's object, and replaced after it was left inside a line.
 */
class EventLinesTest {

    /** A reader handing out at most {@code chunk} characters per read, as a network stream may. */
    private static Reader chunked(String text, int chunk) {
        return new Reader() {
            private int at;

            @Override
            public int read(char[] into, int off, int len) {
                if (at == text.length()) {
                    return -1;
                }
                int n = Math.min(Math.min(len, chunk), text.length() - at);
                text.getChars(at, at + n, into, off);
                at += n;
                return n;
            }

            @Override
            public void close() {
            }
        };
    }

    private static List<String> lines(String text, int chunk) throws IOException {
        EventLines lines = new EventLines(chunked(text, chunk));
        List<String> out = new ArrayList<>();
        while (lines.next()) {
            out.add(lines.text());
        }
        assertFalse(lines.next(), "still at the end");
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 64, 1 << 20})
    void linesEndAsReadLineEndsThemAndBlankLinesAreSkipped(int chunk) throws IOException {
        String text = "{\"a\":1}\n\n{\"b\":\"é\"}\r\n \t \r{\"c\":3}  \r\u000c\n{\"d\":4}";
        assertEquals(List.of("{\"a\":1}", "{\"b\":\"é\"}", "{\"c\":3}  ", "{\"d\":4}"), lines(text, chunk));
        assertEquals(List.of(), lines("", chunk));
        assertEquals(List.of(), lines("\n \n\r\n", chunk));
        assertEquals(List.of("x"), lines("x\n", chunk));
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1 << 20})
    void aLineLongerThanTheBufferIsWholeAndTheLinesAfterItToo(int chunk) throws IOException {
        String longLine = "{\"v\":\"" + "x".repeat(5 * EventLines.INITIAL_CHARS) + "\"}";
        String text = "{\"a\":1}\n" + longLine + "\n{\"b\":2}\n" + "{\"c\":3}\n".repeat(10_000);
        List<String> got = lines(text, chunk);
        assertEquals(10_003, got.size());
        assertEquals("{\"a\":1}", got.get(0));
        assertEquals(longLine, got.get(1));
        assertEquals("{\"b\":2}", got.get(2));
        assertEquals("{\"c\":3}", got.get(10_002));
    }

    /** Reads the current line's object (names and scalar values) with the shared reader. */
    private static String readObject(EventLines lines) throws IOException {
        JsonReader in = lines.reader();
        lines.begin();
        StringBuilder out = new StringBuilder();
        while (in.hasNext()) {
            out.append(in.nextName()).append('=');
            switch (in.peek()) {
                case NULL -> {
                    in.nextNull();
                    out.append("null");
                }
                case BOOLEAN -> out.append(in.nextBoolean());
                default -> out.append(in.nextString());
            }
            out.append(';');
        }
        in.endObject();
        return out.toString();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 1 << 20})
    void oneReaderReadsEveryLineAndSeesWhatFollowsAnObjectOnItsLine(int chunk) throws IOException {
        String text = String.join("\n", "{\"a\":1}", "{\"b\":true}  \t", "{\"n\":null}", "  {\"c\":\"}\"} x",
                "{\"d\":2}}", "{\"e\":3}{\"f\":4}", "{\"g\":5}1", "{\"h\":false}");
        EventLines lines = new EventLines(chunked(text, chunk));
        List<String> read = new ArrayList<>();
        List<Boolean> whole = new ArrayList<>();
        List<JsonReader> readers = new ArrayList<>();
        while (lines.next()) {
            readers.add(lines.reader());
            read.add(readObject(lines));
            whole.add(lines.wholeLineRead());
            if (!lines.wholeLineRead()) {
                lines.discardReader(); // as PagedListerWatcher does: that line goes to the tree
            }
        }
        assertEquals(List.of("a=1;", "b=true;", "n=null;", "c=};", "d=2;", "e=3;", "g=5;", "h=false;"), read);
        assertEquals(List.of(true, true, true, false, false, false, false, true), whole);
        assertSame(readers.get(0), readers.get(1), "the lines of whole objects share one reader");
        assertSame(readers.get(0), readers.get(2));
        assertSame(readers.get(0), readers.get(3));
        assertNotSame(readers.get(3), readers.get(4), "after a line with more behind its object, a new one");
    }

    @Test
    void aReaderLeftInsideALineIsReplacedAndTheNextLineReadsFromItsStart() throws IOException {
        EventLines lines = new EventLines(chunked("{\"a\":{\"deep\":[1,2,\n{\"b\":2}\n", 3));
        assertTrue(lines.next());
        JsonReader first = lines.reader();
        lines.begin();
        assertEquals("a", first.nextName());
        first.beginObject();
        assertEquals("deep", first.nextName());
        first.beginArray();
        first.nextInt();
        // declined here, inside the line: the reader is dropped
        lines.discardReader();
        assertTrue(lines.next());
        assertNotSame(first, lines.reader());
        assertEquals("b=2;", readObject(lines));
        assertTrue(lines.wholeLineRead());
        assertFalse(lines.next());
    }

    @Test
    void theReaderNeverReadsPastItsLine() throws IOException {
        // an object left open on its line: the reader meets the line's end, not the next line
        EventLines lines = new EventLines(chunked("{\"a\":1,\n\"b\":2}\n", 2));
        assertTrue(lines.next());
        JsonReader in = lines.reader();
        lines.begin();
        assertEquals("a", in.nextName());
        in.nextInt();
        assertThrows(IOException.class, in::hasNext);
        lines.discardReader();
        assertTrue(lines.next());
        assertEquals("\"b\":2}", lines.text());
    }
}
