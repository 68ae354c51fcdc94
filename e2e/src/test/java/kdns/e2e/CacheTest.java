package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/kdns with {@code cache} in front of {@code whoami}, loaded from its own plugin layer (with
 * Caffeine): the second dig (from another source port) gets the first one's cached answer.
 */
class CacheTest {

    private static final Pattern SRV = Pattern.compile(
            "_(udp|tcp)\\.([a-z.]+)\\.\\s+(\\d+)\\s+IN\\s+SRV\\s+0 0 (\\d+) \\.", Pattern.CASE_INSENSITIVE);

    @TempDir
    static Path dir;
    static KdnsProcess kdns;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        port = KdnsProcess.freePort();
        kdns = KdnsProcess.serve(dir, ".:" + port + " {\n    cache 30\n    whoami\n}\n", port);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kdns != null) {
            kdns.close();
        }
    }

    private static Matcher dig(String name, String... extra) throws Exception {
        String[] args = new String[7 + extra.length];
        args[0] = "dig";
        args[1] = "@127.0.0.1";
        args[2] = "-p";
        args[3] = String.valueOf(port);
        args[4] = name;
        args[5] = "+tries=1";
        args[6] = "+time=3";
        System.arraycopy(extra, 0, args, 7, extra.length);
        String out = CommandLine.run(args);
        assertTrue(out.contains("status: NOERROR"), out);
        Matcher m = SRV.matcher(out);
        assertTrue(m.find(), out);
        return m;
    }

    @Test
    void secondQueryIsAnsweredFromTheCache() throws Exception {
        Matcher first = dig("cached.example.org");
        assertEquals("5", first.group(3), "whoami's TTL 0 raised to the minimum TTL 5");
        Matcher second = dig("Cached.Example.ORG");
        assertEquals(first.group(4), second.group(4), "the client port of the first query: a cache hit");
        assertTrue(Integer.parseInt(second.group(3)) <= 5);
        // Over TCP the cached UDP answer comes back too: the key is name, type, DO and CD.
        Matcher tcp = dig("cached.example.org", "+tcp");
        assertEquals("udp", tcp.group(1).toLowerCase());
        assertEquals(first.group(4), tcp.group(4));
    }

    @Test
    void doBitIsPartOfTheKey() throws Exception {
        Matcher plain = dig("dnssec.example.org");
        Matcher dnssec = dig("dnssec.example.org", "+dnssec");
        assertTrue(!plain.group(4).equals(dnssec.group(4)), "a DO query is not answered with a non-DO entry");
    }
}
