package kdns.plugin.standard.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** rewrite's cname rules (CoreDNS's cname_target_test.go and the e2e cases rewrite_cname_*). */
class RewriteCnameTest {

    /** The rules of CoreDNS's TestCNameTargetRewrite and of the e2e cases. */
    static final String RULES = """
            rewrite continue cname exact def.example.com xyz.example.com
            rewrite continue cname prefix chat.openai.com bard.google.com
            rewrite continue cname suffix uvw. xyz.
            rewrite continue cname substring efgh zzzz.www
            rewrite continue cname regex (.*)\\.web\\.(.*)\\.site\\. {1}.webapp.{2}.org.
            rewrite continue cname suffix prod. staging.
            """;

    /** What the next plugin answers: the e2e cases' upstream. */
    static final Map<String, List<String>> UPSTREAM = Map.ofEntries(
            Map.entry("abc.example.com. A", List.of("abc.example.com. 5 IN CNAME def.example.com.",
                    "def.example.com. 5 IN A 1.2.3.4")),
            Map.entry("xyz.example.com. A", List.of("xyz.example.com. 3600 IN A 3.4.5.6")),
            Map.entry("abc.example.com. AAAA", List.of("abc.example.com. 5 IN CNAME def.example.com.",
                    "def.example.com. 5 IN AAAA 2a01:7e00::f03c:91ff:fe79:234c")),
            Map.entry("xyz.example.com. AAAA", List.of("xyz.example.com. 3600 IN AAAA 3a01:7e00::f03c:91ff:fe79:234c")),
            Map.entry("chat.openai.com. A", List.of("chat.openai.com. 20 IN CNAME chat.openai.com.cdn.cloudflare.net.",
                    "chat.openai.com.cdn.cloudflare.net. 30 IN A 23.2.1.2",
                    "chat.openai.com.cdn.cloudflare.net. 30 IN A 24.6.0.8")),
            Map.entry("bard.google.com.cdn.cloudflare.net. A", List.of("bard.google.com.cdn.cloudflare.net. 1800 IN A 9.7.2.1")),
            Map.entry("coredns.io. A", List.of("coredns.io. 100 IN CNAME www.hosting.uvw.",
                    "www.hosting.uvw. 200 IN A 7.2.3.4")),
            Map.entry("www.hosting.xyz. A", List.of("www.hosting.xyz. 500 IN A 20.30.40.50")),
            Map.entry("core.dns.rocks. A", List.of("core.dns.rocks. 200 IN CNAME abcd.efgh.pqrst.",
                    "abcd.efgh.pqrst. 100 IN A 200.30.45.67")),
            Map.entry("abcd.zzzz.www.pqrst. A", List.of("abcd.zzzz.www.pqrst. 120 IN A 101.20.5.1",
                    "abcd.zzzz.www.pqrst. 120 IN A 101.20.5.2")),
            Map.entry("order.service.eu. A", List.of("order.service.eu. 200 IN CNAME orders.web.eu.site.",
                    "orders.web.eu.site. 50 IN A 10.10.15.1")),
            Map.entry("orders.webapp.eu.org. A", List.of("orders.webapp.eu.org. 120 IN A 20.0.0.9")),
            Map.entry("cname-chain.org. A", List.of("cname-chain.org. 200 IN CNAME intermediate-1.com.",
                    "intermediate-1.com. 200 IN CNAME intermediate-2.prod.",
                    "intermediate-2.prod. 200 IN CNAME final.prod.net.", "final.prod.net. 120 IN A 1.2.3.4")),
            Map.entry("intermediate-2.staging. A", List.of("intermediate-2.staging. 200 IN CNAME final.staging.net.",
                    "final.staging.net. 120 IN A 5.6.7.8")));

    /** The rewrite handler with {@code next} after it; lookups through the server reach the same chain. */
    private static Handler handler(String corefile, Handler next) throws Exception {
        TestController c = TestController.of(corefile);
        new RewritePlugin().setup(c);
        return c.handler(next);
    }

    private static List<String> answer(Message m) {
        return m.getSection(Section.ANSWER).stream().map(Record::toString).map(s -> s.replaceAll("\\s+", " ")).toList();
    }

    private static Message ask(Handler h, String name, int type) throws Exception {
        RecordingWriter w = new RecordingWriter();
        int rc = h.serve(TestRequests.query(name, type), w);
        assertEquals(Rcodes.NOERROR, rc);
        assertEquals(1, w.writes());
        return w.msg();
    }

    /** The e2e case rewrite_cname_exact. */
    @Test
    void exact() throws Exception {
        RewritePluginTest.Upstream up = new RewritePluginTest.Upstream(UPSTREAM);
        Handler h = handler(RULES, up);
        Message m = ask(h, "abc.example.com.", Type.A);
        assertEquals(List.of("abc.example.com. 5 IN CNAME xyz.example.com.", "xyz.example.com. 3600 IN A 3.4.5.6"),
                answer(m));
        assertEquals("abc.example.com.", m.getQuestion().getName().toString());
        assertFalse(m.getHeader().getFlag(Flags.TC));
        assertEquals(List.of("abc.example.com.", "xyz.example.com."), up.seen.stream().map(Request::name).toList(),
                "the new target was looked up through the server");
    }

    /** The e2e case rewrite_cname_exact_aaaa: the lookup asks the query's type. */
    @Test
    void exactAaaa() throws Exception {
        Handler h = handler(RULES, new RewritePluginTest.Upstream(UPSTREAM));
        assertEquals(List.of("abc.example.com. 5 IN CNAME xyz.example.com.",
                "xyz.example.com. 3600 IN AAAA 3a01:7e00:0:0:f03c:91ff:fe79:234c"),
                answer(ask(h, "abc.example.com.", Type.AAAA)));
    }

    /** The e2e case rewrite_cname_chain: the CNAMEs before the rewritten one are kept. */
    @Test
    void chain() throws Exception {
        Handler h = handler(RULES, new RewritePluginTest.Upstream(UPSTREAM));
        assertEquals(List.of("cname-chain.org. 200 IN CNAME intermediate-1.com.",
                "intermediate-1.com. 200 IN CNAME intermediate-2.staging.",
                "intermediate-2.staging. 200 IN CNAME final.staging.net.", "final.staging.net. 120 IN A 5.6.7.8"),
                answer(ask(h, "cname-chain.org.", Type.A)));
    }

    /** The other cases of CoreDNS's doTestCNameTargetTests. */
    @Test
    void prefixSuffixSubstringRegex() throws Exception {
        Handler h = handler(RULES, new RewritePluginTest.Upstream(UPSTREAM));
        assertEquals(List.of("chat.openai.com. 20 IN CNAME bard.google.com.cdn.cloudflare.net.",
                "bard.google.com.cdn.cloudflare.net. 1800 IN A 9.7.2.1"), answer(ask(h, "chat.openai.com.", Type.A)));
        assertEquals(List.of("coredns.io. 100 IN CNAME www.hosting.xyz.", "www.hosting.xyz. 500 IN A 20.30.40.50"),
                answer(ask(h, "coredns.io.", Type.A)));
        assertEquals(List.of("core.dns.rocks. 200 IN CNAME abcd.zzzz.www.pqrst.",
                "abcd.zzzz.www.pqrst. 120 IN A 101.20.5.1", "abcd.zzzz.www.pqrst. 120 IN A 101.20.5.2"),
                answer(ask(h, "core.dns.rocks.", Type.A)));
        assertEquals(List.of("order.service.eu. 200 IN CNAME orders.webapp.eu.org.",
                "orders.webapp.eu.org. 120 IN A 20.0.0.9"), answer(ask(h, "order.service.eu.", Type.A)));
    }

    /** CoreDNS's music.spotify.com case: the lookup's TC flag is the reply's. */
    @Test
    void aTruncatedLookupTruncatesTheReply() throws Exception {
        Map<String, List<String>> table = new HashMap<>(UPSTREAM);
        table.put("music.spotify.com. A", List.of("music.spotify.com. 200 IN CNAME music.truncated.spotify.com."));
        table.put("music.truncated.spotify.com. A", List.of("music.truncated.spotify.com. 120 IN A 10.1.0.9"));
        RewritePluginTest.Upstream up = new RewritePluginTest.Upstream(table);
        Handler truncating = new Handler() {
            @Override
            public String name() {
                return "truncating";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) throws HandlerException {
                ResponseWriter w = new kdns.api.ForwardingResponseWriter(writer) {
                    @Override
                    public void write(Message m) {
                        if (request.name().startsWith("music.truncated.")) {
                            m.getHeader().setFlag(Flags.TC);
                        }
                        delegate.write(m);
                    }
                };
                return up.serve(request, w);
            }
        };
        Handler h = handler(RULES + "rewrite continue cname exact music.truncated.spotify.com. "
                + "music.truncated.spotify.com.\n", truncating);
        Message m = ask(h, "music.spotify.com.", Type.A);
        assertEquals(List.of("music.spotify.com. 200 IN CNAME music.truncated.spotify.com.",
                "music.truncated.spotify.com. 120 IN A 10.1.0.9"), answer(m));
        assertTrue(m.getHeader().getFlag(Flags.TC));
    }

    @Test
    void aLookupAnsweredLaterIsWaitedFor() throws Exception {
        RewritePluginTest.Upstream table = new RewritePluginTest.Upstream(UPSTREAM);
        Handler later = new Handler() {
            @Override
            public String name() {
                return "later";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                CompletableFuture.runAsync(() -> {
                    try {
                        table.serve(request, writer);
                    } catch (HandlerException e) {
                        throw new IllegalStateException(e);
                    }
                }, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
                return Handler.DEFERRED;
            }
        };
        Handler h = handler(RULES, later);
        RecordingWriter w = new RecordingWriter();
        assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("cname-chain.org.", Type.A), w));
        Message m = w.await(5, TimeUnit.SECONDS);
        assertEquals(List.of("cname-chain.org. 200 IN CNAME intermediate-1.com.",
                "intermediate-1.com. 200 IN CNAME intermediate-2.staging.",
                "intermediate-2.staging. 200 IN CNAME final.staging.net.", "final.staging.net. 120 IN A 5.6.7.8"),
                answer(m));
        assertEquals(1, w.writes());

        // The first reply now, only the lookup later: the handler returns DEFERRED all the same.
        Handler mixed = new Handler() {
            @Override
            public String name() {
                return "mixed";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) throws HandlerException {
                return request.name().equals("xyz.example.com.") ? later.serve(request, writer)
                        : table.serve(request, writer);
            }
        };
        RecordingWriter w2 = new RecordingWriter();
        assertEquals(Handler.DEFERRED, handler(RULES, mixed).serve(TestRequests.query("abc.example.com.", Type.A), w2));
        assertEquals(List.of("abc.example.com. 5 IN CNAME xyz.example.com.", "xyz.example.com. 3600 IN A 3.4.5.6"),
                answer(w2.await(5, TimeUnit.SECONDS)));
    }

    @Test
    void aFailedLookupLeavesOnlyTheRecordsBeforeTheTarget() throws Exception {
        // The chain returns SERVFAIL for the new target without writing: CoreDNS's server writes an
        // error reply, whose empty answer replaces the records after the CNAME.
        Handler failing = new Handler() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) throws HandlerException {
                if (request.name().equals("xyz.example.com.")) {
                    return Rcodes.SERVFAIL;
                }
                return new RewritePluginTest.Upstream(UPSTREAM).serve(request, writer);
            }
        };
        assertEquals(List.of("abc.example.com. 5 IN CNAME xyz.example.com."),
                answer(ask(handler(RULES, failing), "abc.example.com.", Type.A)));

        // Nothing written for a "written" rcode: the reply is left as it was.
        Handler silent = new Handler() {
            @Override
            public String name() {
                return "silent";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) throws HandlerException {
                if (request.name().equals("xyz.example.com.")) {
                    return Rcodes.NOERROR;
                }
                return new RewritePluginTest.Upstream(UPSTREAM).serve(request, writer);
            }
        };
        assertEquals(List.of("abc.example.com. 5 IN CNAME def.example.com.", "def.example.com. 5 IN A 1.2.3.4"),
                answer(ask(handler(RULES, silent), "abc.example.com.", Type.A)));
    }

    @Test
    void onlyCnameRecordsBeforeTheTargetAreKeptAndMatchingIsOnTheTargetAsWritten() throws Exception {
        Map<String, List<String>> table = new HashMap<>(UPSTREAM);
        table.put("mixed.example. A", List.of("mixed.example. 5 IN A 10.0.0.1",
                "mixed.example. 5 IN CNAME def.example.com.", "def.example.com. 5 IN A 1.2.3.4"));
        table.put("upper.example. A", List.of("upper.example. 5 IN CNAME DEF.example.com.",
                "DEF.example.com. 5 IN A 1.2.3.4"));
        Handler h = handler(RULES, new RewritePluginTest.Upstream(table));
        assertEquals(List.of("mixed.example. 5 IN CNAME xyz.example.com.", "xyz.example.com. 3600 IN A 3.4.5.6"),
                answer(ask(h, "mixed.example.", Type.A)), "the A record before the CNAME goes, as in CoreDNS");
        assertEquals(List.of("upper.example. 5 IN CNAME DEF.example.com.", "DEF.example.com. 5 IN A 1.2.3.4"),
                answer(ask(h, "upper.example.", Type.A)), "targets are compared as written, case included");
    }

    @Test
    void aStopCnameRuleEndsTheRuleLoopOnEveryQuery() throws Exception {
        RewritePluginTest.Upstream up = new RewritePluginTest.Upstream(Map.of("from.example. A",
                List.of("from.example. 5 IN A 10.0.0.1"), "to.example. A", List.of("to.example. 5 IN A 10.0.0.2")));
        Handler h = handler("rewrite cname exact a.example. b.example.\nrewrite name exact from.example. to.example.", up);
        assertEquals(List.of("from.example. 5 IN A 10.0.0.1"), answer(ask(h, "from.example.", Type.A)));
        Handler cont = handler("rewrite continue cname exact a.example. b.example.\n"
                + "rewrite name exact from.example. to.example.", up);
        assertEquals(List.of("from.example. 5 IN A 10.0.0.2"), answer(ask(cont, "from.example.", Type.A)));
    }

    @Test
    void regexRulesAreLowerCasedAndGroupsSubstituted() throws Exception {
        Map<String, List<String>> table = new HashMap<>();
        table.put("app.example. A", List.of("app.example. 60 IN CNAME app.cdn.example.net.",
                "app.cdn.example.net. 60 IN A 20.2.0.1"));
        table.put("app.other.cdn.com. A", List.of("app.other.cdn.com. 100 IN A 30.3.1.2"));
        Handler h = handler("rewrite cname regex (.*)\\.CDN\\.example\\.net\\. {1}.other.cdn.com.",
                new RewritePluginTest.Upstream(table));
        assertEquals(List.of("app.example. 60 IN CNAME app.other.cdn.com.", "app.other.cdn.com. 100 IN A 30.3.1.2"),
                answer(ask(h, "app.example.", Type.A)));
    }
}
