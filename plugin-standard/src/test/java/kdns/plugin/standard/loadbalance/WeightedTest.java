package kdns.plugin.standard.loadbalance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import kdns.api.Handler;
import kdns.plugin.standard.CapturingSink;
import kdns.plugin.standard.golang.Subnet;
import kdns.plugin.standard.process.SharedTimer;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The weighted policy, the weight file, and the prefer subnets. */
class WeightedTest {

    private static final Name WWW = Name.fromConstantString("www.example.com.");

    @TempDir
    Path dir;

    private final CapturingSink sink = new CapturingSink();

    private static Record a(String ip) throws IOException {
        return new ARecord(WWW, DClass.IN, 30, InetAddress.getByName(ip));
    }

    private static Record aaaa(String ip) throws IOException {
        return new AAAARecord(WWW, DClass.IN, 30, InetAddress.getByName(ip));
    }

    private Weighted weighted(String file, Duration reload, java.util.function.IntUnaryOperator random)
            throws IOException {
        Path p = dir.resolve("weights");
        if (file != null) {
            Files.writeString(p, file);
        }
        return new Weighted(p, reload, sink, SharedTimer.scheduler(), random);
    }

    @Test
    void weightFileSyntax() throws IOException {
        Map<String, Map<String, Integer>> w = Weighted.parse("# comment\n\nwww.example.com\n100.64.1.1 3\n"
                + "100.64.1.2 1\n  2001:db8::1   255 \nother.org.\n10.0.0.1 2\n", "f");
        assertEquals(Map.of("100.64.1.1", 3, "100.64.1.2", 1, "2001:db8::1", 255), w.get("www.example.com."));
        assertEquals(Map.of("10.0.0.1", 2), w.get("other.org."));
        assertEquals("Wrong domain name:\"10.0.0.1\" in weight file f. (Maybe a missing weight value?)",
                assertThrows(IOException.class, () -> Weighted.parse("10.0.0.1\n", "f")).getMessage());
        assertEquals("Wrong IP address:\"x\" in weight file f",
                assertThrows(IOException.class, () -> Weighted.parse("a.\nx 1\n", "f")).getMessage());
        for (String bad : new String[] {"0", "256", "-1", "a"}) {
            assertEquals("Wrong weight value:\"" + bad + "\" in weight file f", assertThrows(IOException.class,
                    () -> Weighted.parse("a.\n10.0.0.1 " + bad + "\n", "f")).getMessage());
        }
        assertEquals("Missing domain name in weight file f",
                assertThrows(IOException.class, () -> Weighted.parse("10.0.0.1 1\n", "f")).getMessage());
        assertEquals("Could not parse weight line:\"a b c\" in weight file f",
                assertThrows(IOException.class, () -> Weighted.parse("a b c\n", "f")).getMessage());
    }

    @Test
    void theTopAddressFollowsTheWeights() throws Exception {
        // A random source walking through every value: the counts are exactly the weights.
        AtomicInteger next = new AtomicInteger();
        Weighted w = weighted("www.example.com\n100.64.1.1 3\n100.64.1.2 1\n100.64.1.3 2\n", Duration.ZERO,
                bound -> next.getAndIncrement() % bound);
        w.start();
        List<Record> in = List.of(a("100.64.1.1"), a("100.64.1.2"), a("100.64.1.3"));
        int[] first = new int[3];
        for (int i = 0; i < 600; i++) {
            List<Record> out = w.order(in);
            first[in.indexOf(out.get(0))]++;
        }
        assertEquals(300, first[0]);
        assertEquals(100, first[1]);
        assertEquals(200, first[2]);
        assertEquals("[INFO] Successfully reloaded weight file " + dir.resolve("weights"), sink.lines().get(0));
    }

    @Test
    void unlistedAddressesWeighOneAndOthersKeepTheirPlaces() throws Exception {
        Weighted w = weighted("www.example.com\n100.64.1.1 3\n", Duration.ZERO, bound -> bound - 1);
        w.start();
        Record c = new CNAMERecord(WWW, DClass.IN, 30, Name.fromConstantString("x.example.com."));
        Record t = new TXTRecord(WWW, DClass.IN, 30, "t");
        Record mx1 = new MXRecord(WWW, DClass.IN, 30, 1, Name.fromConstantString("mx.example.com."));
        Record a1 = a("100.64.1.1");
        Record a2 = a("100.64.1.2");
        Record a3 = aaaa("2001:db8::3");
        // Weights 3, 1, 1 (heaviest first): the last value picks the last of the lightest, a3.
        List<Record> out = w.order(List.of(mx1, a1, c, a2, t, a3));
        assertEquals(List.of(c, t, a3, a2, a1, mx1), out);
        assertEquals(null, w.order(List.of(mx1, t, c)), "no address: left as is");
    }

    @Test
    void onlyAddressAndSrvQuestionsAndTheAnswerAndAdditionalSections() throws Exception {
        Weighted w = weighted("www.example.com\n100.64.1.2 255\n", Duration.ZERO, bound -> 0);
        w.start();
        Message m = new Message();
        m.addRecord(a("100.64.1.1"), Section.ANSWER);
        m.addRecord(a("100.64.1.2"), Section.ANSWER);
        m.addRecord(a("100.64.1.1"), Section.AUTHORITY);
        m.addRecord(a("100.64.1.2"), Section.AUTHORITY);
        w.shuffle(m, Type.MX);
        assertEquals(a("100.64.1.1"), m.getSection(Section.ANSWER).get(0));
        w.shuffle(m, Type.A);
        assertEquals(a("100.64.1.2"), m.getSection(Section.ANSWER).get(0));
        assertEquals(a("100.64.1.1"), m.getSection(Section.AUTHORITY).get(0), "authority untouched");
    }

    @Test
    void theWeightFileIsReadAgainWhenItChanges() throws Exception {
        Weighted w = weighted("www.example.com\n100.64.1.1 3\n", Duration.ofMillis(50), bound -> 0);
        w.start();
        try {
            Files.writeString(dir.resolve("weights"), "www.example.com\n100.64.1.1 7\n");
            long end = System.nanoTime() + 5_000_000_000L;
            while (!Integer.valueOf(7).equals(w.weights().get("www.example.com.").get("100.64.1.1"))
                    && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertEquals(7, w.weights().get("www.example.com.").get("100.64.1.1"));
            Files.writeString(dir.resolve("weights"), "www.example.com\n100.64.1.1 300\n");
            assertTrue(sink.await(l -> l.startsWith("[ERROR] Wrong weight value:\"300\""), Duration.ofSeconds(5))
                    != null, sink.lines().toString());
            assertEquals(7, w.weights().get("www.example.com.").get("100.64.1.1"), "a bad file keeps the weights");
        } finally {
            w.stop();
        }
    }

    @Test
    void aMissingFileFailsTheStartOnlyWithoutReload() throws Exception {
        Weighted once = weighted(null, Duration.ZERO, bound -> 0);
        assertEquals("weight file open error", assertThrows(IOException.class, once::start).getMessage());
        Weighted later = weighted(null, Duration.ofSeconds(30), bound -> 0);
        later.start();
        later.stop();
        assertEquals("[WARNING] Failed to open weight file:weight file open error. Will try again in 30s",
                sink.lines().get(0));
        Weighted broken = weighted("10.0.0.1 1\n", Duration.ofSeconds(30), bound -> 0);
        assertTrue(assertThrows(IOException.class, broken::start).getMessage().startsWith("Missing domain name"));
    }

    @Test
    void thePluginWiresTheWeightedPolicy() throws Exception {
        Path file = dir.resolve("db.weights");
        Files.writeString(file, "www.example.com\n100.64.1.3 255\n");
        TestController c = TestController.of("loadbalance weighted " + file);
        new LoadBalancePlugin(sink).setup(c);
        Record a1 = a("100.64.1.1");
        Record a3 = a("100.64.1.3");
        Handler h = c.handler(new Handler() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public int serve(kdns.api.Request request, kdns.api.ResponseWriter writer) {
                Message m = new Message(request.id());
                m.addRecord(request.message().getQuestion(), Section.QUESTION);
                m.addRecord(a1, Section.ANSWER);
                m.addRecord(a1, Section.ANSWER);
                m.addRecord(a3, Section.ANSWER);
                writer.write(m);
                return 0;
            }
        });
        c.runStartup();
        try {
            int top = 0;
            for (int i = 0; i < 100; i++) {
                RecordingWriter w = new RecordingWriter();
                h.serve(TestRequests.query("www.example.com", Type.A), w);
                if (w.msg().getSection(Section.ANSWER).get(0).equals(a3)) {
                    top++;
                }
            }
            assertTrue(top > 90, "weight 255 against 1 + 1: " + top);
        } finally {
            c.runShutdown();
        }
    }

    @Test
    void preferPutsAddressesOfTheSubnetsFirst() throws Exception {
        Record c = new CNAMERecord(WWW, DClass.IN, 30, Name.fromConstantString("x.example.com."));
        Record t = new TXTRecord(WWW, DClass.IN, 30, "t");
        Record mx = new MXRecord(WWW, DClass.IN, 30, 1, Name.fromConstantString("mx.example.com."));
        Record a1 = a("192.168.1.1");
        Record a2 = a("10.1.2.3");
        Record a3 = aaaa("2001:db8::1");
        Record a4 = a("10.9.9.9");
        List<Subnet> subnets = List.of(Subnet.parse("10.0.0.0/8"), Subnet.parse("2001:db8::/32"));
        assertEquals(List.of(c, a2, a4, a3, a1, mx, t), Prefer.order(List.of(t, a1, mx, a2, c, a3, a4), subnets));

        TestController ctl = TestController.of("loadbalance round_robin {\n    prefer 10.0.0.0/8\n}");
        new LoadBalancePlugin(sink).setup(ctl);
        Handler h = ctl.handler(new Handler() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public int serve(kdns.api.Request request, kdns.api.ResponseWriter writer) {
                Message m = new Message(request.id());
                m.addRecord(request.message().getQuestion(), Section.QUESTION);
                m.addRecord(a1, Section.ANSWER);
                m.addRecord(a2, Section.ANSWER);
                m.addRecord(a1, Section.ADDITIONAL);
                m.addRecord(a2, Section.ADDITIONAL);
                writer.write(m);
                return 0;
            }
        });
        for (int i = 0; i < 20; i++) {
            RecordingWriter w = new RecordingWriter();
            h.serve(TestRequests.query("www.example.com", Type.A), w);
            assertSame(a2, w.msg().getSection(Section.ANSWER).get(0));
            assertSame(a2, w.msg().getSection(Section.ADDITIONAL).get(0));
        }
    }

    @Test
    void subnets() {
        assertTrue(Subnet.parse("10.0.0.0/8").contains(new byte[] {10, 1, 2, 3}));
        assertTrue(!Subnet.parse("10.0.0.0/8").contains(new byte[] {11, 1, 2, 3}));
        assertTrue(Subnet.parse("10.1.2.3/8").contains(new byte[] {10, 0, 0, 0}), "host bits are cleared");
        assertTrue(Subnet.parse("0.0.0.0/0").contains(new byte[] {1, 2, 3, 4}));
        assertTrue(Subnet.parse("192.168.1.1/32").contains(new byte[] {(byte) 192, (byte) 168, 1, 1}));
        assertTrue(!Subnet.parse("192.168.1.1/31").contains(new byte[] {(byte) 192, (byte) 168, 1, 2}));
        assertTrue(!Subnet.parse("2001:db8::/32").contains(new byte[] {10, 0, 0, 1}));
        for (String bad : new String[] {"10.0.0.0", "10.0.0.0/33", "x/8", "10.0.0.0/", "::/129", "10.0.0.0/a"}) {
            assertEquals("invalid CIDR address: " + bad,
                    assertThrows(IllegalArgumentException.class, () -> Subnet.parse(bad)).getMessage());
        }
    }
}
