package kdns.plugin.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** cache in a real server, in front of a test plugin that counts how often it is asked. */
class InProcessCacheTest {

    @Test
    void secondQueryIsAnsweredFromTheCacheWithTheClientsIdAndSpelling() throws Exception {
        try (InProcessServer s = InProcessServer.start(".:0 {\n cache 30\n testcount\n}")) {
            Message first = DnsClient.udp(s.address(), "www.inprocess.example", Type.A);
            assertEquals(Rcode.NOERROR, first.getRcode());
            assertEquals(30, first.getSectionArray(Section.ANSWER)[0].getTTL(), "capped at 30");
            Message query = TestRequests.message("WwW.InProcess.EXAMPLE", Type.A, DClass.IN);
            Message second = DnsClient.udp(s.address(), query);
            assertEquals(1, CountingPlugin.asked("www.inprocess.example."));
            assertEquals(query.getHeader().getID(), second.getHeader().getID());
            assertEquals("WwW.InProcess.EXAMPLE.", second.getQuestion().getName().toString());
            long ttl = second.getSectionArray(Section.ANSWER)[0].getTTL();
            assertTrue(ttl <= 30 && ttl >= 28, "ttl " + ttl);
            Message tcp = DnsClient.tcp(s.address(), "www.inprocess.example", Type.A);
            assertEquals(1, tcp.getSectionArray(Section.ANSWER).length);
            assertEquals(1, CountingPlugin.asked("www.inprocess.example."));

            String server = CacheMetrics.label(0, s.address().getPort());
            double hits = s.metrics().counter(CacheMetrics.HITS, "", "server", "type", "zones", "view")
                    .labelValues(server, "success", ".", "").get();
            assertEquals(2, hits, "hits for " + server);
        }
    }

    @Test
    void deferredRepliesAreCached() throws Exception {
        try (InProcessServer s = InProcessServer.start(".:0 {\n cache\n testcount defer\n}")) {
            Message first = DnsClient.udp(s.address(), "deferred.inprocess.example", Type.A);
            assertEquals(1, first.getSectionArray(Section.ANSWER).length);
            Message second = DnsClient.udp(s.address(), "deferred.inprocess.example", Type.A);
            assertEquals(1, second.getSectionArray(Section.ANSWER).length);
            assertEquals(1, CountingPlugin.asked("deferred.inprocess.example."));
        }
    }
}
