package kdns.plugin.standard.loadbalance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class LoadBalanceTest {

    private static final Name NAME = Name.fromConstantString("www.example.org.");

    private static Record a(int last) {
        return new ARecord(NAME, DClass.IN, 30, bytes(10, 0, 0, last));
    }

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    private static Record aaaa(int last) throws Exception {
        return new AAAARecord(NAME, DClass.IN, 30, InetAddress.getByName("2001:db8::" + last));
    }

    private static Record cname(String target) {
        return new CNAMERecord(NAME, DClass.IN, 30, Name.fromConstantString(target));
    }

    private static Record mx(int pref) {
        return new MXRecord(NAME, DClass.IN, 30, pref, Name.fromConstantString("mx" + pref + ".example.org."));
    }

    private static Record txt() {
        return new TXTRecord(NAME, DClass.IN, 30, "hello");
    }

    private static String parseError(String text) {
        return assertThrows(PluginException.class, () -> LoadBalancePlugin.parse(TestController.of(text))).getMessage();
    }

    @Test
    void setup() throws Exception {
        LoadBalancePlugin.Config rr = LoadBalancePlugin.parse(TestController.of("loadbalance"));
        assertEquals(null, rr.weightFile());
        assertEquals(List.of(), rr.prefer());
        LoadBalancePlugin.parse(TestController.of("loadbalance round_robin"));
        LoadBalancePlugin.Config w = LoadBalancePlugin.parse(TestController.of("loadbalance weighted db.weights"));
        assertEquals(java.nio.file.Path.of("db.weights"), w.weightFile());
        assertEquals(java.time.Duration.ofSeconds(30), w.reload());
        assertEquals(java.time.Duration.ofSeconds(10), LoadBalancePlugin.parse(TestController.of(
                "loadbalance weighted db.weights {\n    reload 10s\n}")).reload());
        assertEquals(java.time.Duration.ZERO, LoadBalancePlugin.parse(TestController.of(
                "loadbalance weighted db.weights {\n    reload 0s\n}")).reload());
        assertEquals(2, LoadBalancePlugin.parse(TestController.of(
                "loadbalance round_robin {\n    prefer 10.0.0.0/8 2001:db8::/32\n}")).prefer().size());
        assertEquals("Corefile:1 - Error during parsing: unknown property for round_robin",
                parseError("loadbalance round_robin x"));
        assertEquals("Corefile:1 - Error during parsing: unknown policy: bogus", parseError("loadbalance bogus"));
        assertEquals("Corefile:1 - Error during parsing: missing weight file argument",
                parseError("loadbalance weighted"));
        assertEquals("Corefile:1 - Error during parsing: unexpected argument(s)",
                parseError("loadbalance weighted a b"));
        assertEquals("Corefile:2 - Error during parsing: reload duration value is missing",
                parseError("loadbalance weighted a {\n    reload\n}"));
        assertEquals("Corefile:2 - Error during parsing: unexpected argument",
                parseError("loadbalance weighted a {\n    reload 1s 2s\n}"));
        assertEquals("Corefile:2 - Error during parsing: invalid reload duration 'x'",
                parseError("loadbalance weighted a {\n    reload x\n}"));
        assertEquals("Corefile:2 - Error during parsing: invalid reload duration '-1s'",
                parseError("loadbalance weighted a {\n    reload -1s\n}"));
        assertEquals("Corefile:2 - Error during parsing: unknown property 'prefer'",
                parseError("loadbalance weighted a {\n    prefer 10.0.0.0/8\n}"));
        assertEquals("Corefile:2 - Error during parsing: 'limit_answers' is not supported by kdns yet",
                parseError("loadbalance round_robin {\n    limit_answers 5\n}"));
        assertEquals("Corefile:2 - Error during parsing: invalid CIDR \"10.0.0.0\": invalid CIDR address: 10.0.0.0",
                parseError("loadbalance {\n    prefer 10.0.0.0\n}"));
        assertEquals("Corefile:2 - Error during parsing: unknown property 'foo'",
                parseError("loadbalance {\n    foo\n}"));
        assertEquals("loadbalance", new LoadBalancePlugin().name());
        assertFalse(new LoadBalancePlugin().description().isBlank());
    }

    @Test
    void orderKeepsCnamesFirstThenOthersThenAddressesThenMx() throws Exception {
        Record c1 = cname("a.example.org.");
        Record c2 = cname("b.example.org.");
        Record t = txt();
        List<Record> in = List.of(a(1), mx(10), c1, aaaa(1), t, a(2), c2, mx(20), a(3));
        for (int i = 0; i < 50; i++) {
            List<Record> out = RoundRobin.order(in);
            assertEquals(in.size(), out.size());
            assertSame(c1, out.get(0));
            assertSame(c2, out.get(1));
            assertSame(t, out.get(2));
            Set<Record> addresses = new HashSet<>(out.subList(3, 7));
            assertEquals(Set.of(in.get(0), in.get(3), in.get(5), in.get(8)), addresses);
            assertEquals(Set.of(in.get(1), in.get(7)), new HashSet<>(out.subList(7, 9)));
        }
    }

    @Test
    void everyOrderOfThreeAddressesShowsUp() {
        List<Record> in = List.of(a(1), a(2), a(3));
        Set<List<Record>> seen = new HashSet<>();
        for (int i = 0; i < 600 && seen.size() < 6; i++) {
            seen.add(RoundRobin.order(in));
        }
        assertEquals(6, seen.size(), "a uniform shuffle reaches all 3! orders");
        List<Record> two = List.of(mx(1), mx(2));
        Set<List<Record>> swapped = new HashSet<>();
        for (int i = 0; i < 200 && swapped.size() < 2; i++) {
            swapped.add(RoundRobin.order(two));
        }
        assertEquals(2, swapped.size());
    }

    private static Handler answering(List<Record> answer, List<Record> authority, List<Record> additional,
                                     int rcode) {
        return new Handler() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                Message m = new Message(request.id());
                m.addRecord(request.message().getQuestion(), Section.QUESTION);
                m.getHeader().setRcode(rcode);
                answer.forEach(r -> m.addRecord(r, Section.ANSWER));
                authority.forEach(r -> m.addRecord(r, Section.AUTHORITY));
                additional.forEach(r -> m.addRecord(r, Section.ADDITIONAL));
                writer.write(m);
                return rcode;
            }
        };
    }

    private static Handler chain(Handler next) throws Exception {
        TestController c = TestController.of("loadbalance");
        new LoadBalancePlugin().setup(c);
        return c.handler(next);
    }

    @Test
    void repliesAreShuffledInEverySection() throws Exception {
        List<Record> answer = List.of(a(1), a(2), a(3), a(4));
        List<Record> ns = List.of(new NSRecord(NAME, DClass.IN, 30, Name.fromConstantString("ns.example.org.")));
        List<Record> extra = List.of(aaaa(1), aaaa(2), aaaa(3), aaaa(4));
        Handler h = chain(answering(answer, ns, extra, Rcode.NOERROR));
        Set<List<Record>> answers = new HashSet<>();
        Set<List<Record>> extras = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            RecordingWriter w = new RecordingWriter();
            h.serve(TestRequests.query("www.example.org", Type.A), w);
            List<Record> got = w.msg().getSection(Section.ANSWER);
            assertEquals(new HashSet<>(answer), new HashSet<>(got));
            answers.add(new ArrayList<>(got));
            extras.add(new ArrayList<>(w.msg().getSection(Section.ADDITIONAL)));
            assertEquals(ns, w.msg().getSection(Section.AUTHORITY));
        }
        assertTrue(answers.size() > 1, "the answer order changes");
        assertTrue(extras.size() > 1, "the additional order changes");
    }

    @Test
    void errorRepliesAndTransfersAreLeftAlone() throws Exception {
        List<Record> answer = List.of(a(1), a(2), a(3), a(4), a(5), a(6));
        Handler nx = chain(answering(answer, List.of(), List.of(), Rcode.NXDOMAIN));
        Handler axfr = chain(answering(answer, List.of(), List.of(), Rcode.NOERROR));
        for (int i = 0; i < 20; i++) {
            RecordingWriter w = new RecordingWriter();
            nx.serve(TestRequests.query("www.example.org", Type.A), w);
            assertEquals(answer, w.msg().getSection(Section.ANSWER));
            RecordingWriter x = new RecordingWriter();
            axfr.serve(TestRequests.query("example.org", Type.AXFR), x);
            assertEquals(answer, x.msg().getSection(Section.ANSWER));
        }
    }

    @Test
    void aDeferredReplyIsShuffledWhenWritten() throws Exception {
        List<Record> answer = List.of(txt(), a(1), cname("x.example.org."));
        CompletableFuture<Runnable> later = new CompletableFuture<>();
        Handler deferring = new Handler() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                later.complete(() -> {
                    try {
                        answering(answer, List.of(), List.of(), 0).serve(request, writer);
                    } catch (kdns.api.HandlerException e) {
                        throw new IllegalStateException(e);
                    }
                });
                return DEFERRED;
            }
        };
        RecordingWriter w = new RecordingWriter();
        assertEquals(Handler.DEFERRED, chain(deferring).serve(TestRequests.query("www.example.org", Type.A), w));
        Thread t = new Thread(later.get(2, TimeUnit.SECONDS));
        t.start();
        assertTrue(w.await(5, TimeUnit.SECONDS) != null);
        t.join(5000);
        assertEquals(List.of(answer.get(2), answer.get(0), answer.get(1)), w.msg().getSection(Section.ANSWER));
    }
}
