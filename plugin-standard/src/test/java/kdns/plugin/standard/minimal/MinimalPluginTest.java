package kdns.plugin.standard.minimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class MinimalPluginTest {

    private static final Name NS = Name.fromConstantString("ns.example.org.");

    /** Answers with an answer, authority and additional record, or a negative/referral reply by name. */
    private static final Handler NEXT = new Handler() {
        @Override
        public String name() {
            return "next";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) {
            Message m = new Message(request.id());
            m.addRecord(request.message().getQuestion(), Section.QUESTION);
            Name zone = Name.fromConstantString("example.org.");
            try {
                switch (request.name()) {
                    case "www.example.org." -> {
                        m.addRecord(new ARecord(request.qname(), DClass.IN, 60, InetAddress.getByName("192.0.2.1")),
                                Section.ANSWER);
                        m.addRecord(new NSRecord(zone, DClass.IN, 60, NS), Section.AUTHORITY);
                        m.addRecord(new ARecord(NS, DClass.IN, 60, InetAddress.getByName("192.0.2.53")),
                                Section.ADDITIONAL);
                    }
                    case "nodata.example.org." -> m.addRecord(soa(zone), Section.AUTHORITY);
                    case "sub.example.org." -> {
                        m.addRecord(new NSRecord(Name.fromConstantString("sub.example.org."), DClass.IN, 60, NS),
                                Section.AUTHORITY);
                        m.addRecord(new ARecord(NS, DClass.IN, 60, InetAddress.getByName("192.0.2.53")),
                                Section.ADDITIONAL);
                    }
                    default -> {
                        m.getHeader().setRcode(Rcode.NXDOMAIN);
                        m.addRecord(soa(zone), Section.AUTHORITY);
                    }
                }
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
            writer.write(m);
            return Rcodes.NOERROR;
        }
    };

    private static SOARecord soa(Name zone) {
        return new SOARecord(zone, DClass.IN, 60, NS, NS, 1, 2, 3, 4, 5);
    }

    private static Message ask(String name) throws Exception {
        TestController c = TestController.of("minimal");
        new MinimalPlugin().setup(c);
        RecordingWriter w = new RecordingWriter();
        c.handler(NEXT).serve(TestRequests.query(name, Type.A), w);
        return w.msg();
    }

    @Test
    void positiveAnswersLoseAuthorityAndAdditional() throws Exception {
        Message m = ask("www.example.org.");
        assertEquals(1, m.getSection(Section.ANSWER).size());
        assertTrue(m.getSection(Section.AUTHORITY).isEmpty());
        assertTrue(m.getSection(Section.ADDITIONAL).isEmpty());
    }

    @Test
    void negativeAnswersAndReferralsPassUnchanged() throws Exception {
        assertEquals(1, ask("nodata.example.org.").getSection(Section.AUTHORITY).size(), "NODATA keeps its SOA");
        Message nx = ask("nx.example.org.");
        assertEquals(Rcode.NXDOMAIN, nx.getRcode());
        assertEquals(1, nx.getSection(Section.AUTHORITY).size());
        Message referral = ask("sub.example.org.");
        assertEquals(1, referral.getSection(Section.AUTHORITY).size(), "a referral keeps its NS");
        assertEquals(1, referral.getSection(Section.ADDITIONAL).size(), "and its glue");
    }

    @Test
    void takesNoArguments() {
        PluginException e = assertThrows(PluginException.class, () -> new MinimalPlugin().setup(TestController.of("minimal x")));
        assertTrue(e.getMessage().contains("Wrong argument count"), e.getMessage());
    }
}
