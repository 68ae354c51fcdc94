package kdns.plugin.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
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

    @Test
    void hitsInWireFormAreCompletedForEachClient() throws Exception {
        try (InProcessServer s = InProcessServer.start(".:0 {\n cache 30\n testcount\n}")) {
            DnsClient.udp(s.address(), "wire.inprocess.example", Type.A);

            Message withEdns = TestRequests.message("wire.inprocess.example", Type.A, DClass.IN);
            withEdns.addRecord(new OPTRecord(1400, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
            DnsClient.udp(s.address(), withEdns); // DO is part of the key: a miss first
            withEdns.getHeader().setID(withEdns.getHeader().getID() ^ 0x5a5a);
            Message hit = DnsClient.udp(s.address(), withEdns);
            assertEquals(withEdns.getHeader().getID(), hit.getHeader().getID());
            assertTrue(hit.getHeader().getFlag(Flags.QR) && hit.getHeader().getFlag(Flags.AA));
            assertEquals(withEdns.getHeader().getFlag(Flags.RD), hit.getHeader().getFlag(Flags.RD));
            assertEquals(withEdns.getQuestion(), hit.getQuestion());
            long ttl = hit.getSectionArray(Section.ANSWER)[0].getTTL();
            assertTrue(ttl <= 30 && ttl >= 28, "ttl " + ttl);
            assertEquals(1400, hit.getOPT().getPayloadSize(), "the client's size mirrored");
            assertEquals(ExtendedFlags.DO, hit.getOPT().getFlags() & ExtendedFlags.DO, "the client's DO bit mirrored");

            Message plain = TestRequests.message("wire.inprocess.example", Type.A, DClass.IN);
            plain.getHeader().unsetFlag(Flags.RD);
            Message plainHit = DnsClient.udp(s.address(), plain);
            assertEquals(plain.getHeader().getID(), plainHit.getHeader().getID());
            assertEquals(false, plainHit.getHeader().getFlag(Flags.RD), "RD as the query's");
            assertEquals(null, plainHit.getOPT(), "no OPT for a client that sent none");
            assertEquals(1, plainHit.getSectionArray(Section.ANSWER).length);
            assertEquals(2, CountingPlugin.asked("wire.inprocess.example."), "one miss without DO, one with");
        }
    }
}
