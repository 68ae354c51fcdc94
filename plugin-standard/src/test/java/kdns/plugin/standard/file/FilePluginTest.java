package kdns.plugin.standard.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transferer;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** CoreDNS's file lookup cases (lookup_test.go, delegation_test.go, wildcard_test.go, ...), in process. */
class FilePluginTest {

    private static final List<String> MIEK_NS = List.of("miek.nl. 1800 IN NS ext.ns.whyscream.net.",
            "miek.nl. 1800 IN NS linode.atoom.net.", "miek.nl. 1800 IN NS ns-ext.nlnetlabs.nl.",
            "miek.nl. 1800 IN NS omval.tednet.nl.");
    private static final String MIEK_SOA = "miek.nl. 1800 IN SOA linode.atoom.net. miek.miek.nl. 1282630057 14400 3600 "
            + "604800 14400";

    @TempDir
    Path dir;

    /** The next plugin: SERVFAIL for example.com, NXDOMAIN for anything else (written). */
    private static final Handler NEXT = new Handler() {
        @Override
        public String name() {
            return "next";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) {
            Message m = new Message(request.id());
            m.addRecord(request.message().getQuestion(), Section.QUESTION);
            m.getHeader().setRcode(request.name().equals("example.com.") ? Rcode.SERVFAIL : Rcode.NXDOMAIN);
            writer.write(m);
            return Rcodes.NOERROR;
        }
    };

    private Path copy(String resource) throws IOException {
        Path p = dir.resolve(resource);
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            Files.copy(in, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return p;
    }

    private Handler handler(String resource, String corefileRest, Handler next) throws Exception {
        Path file = copy(resource);
        TestController c = TestController.of("file " + file + corefileRest);
        new FilePlugin().setup(c);
        Handler h = c.handler(next);
        c.instance().handlers(List.of(h));
        c.runStartup();
        return h;
    }

    private static Message ask(Handler h, String name, int type) throws Exception {
        RecordingWriter w = new RecordingWriter();
        int rc = h.serve(TestRequests.query(name, type), w);
        if (!Rcodes.clientWrote(rc)) {
            assertNull(w.msg());
            Message m = new Message();
            m.getHeader().setRcode(rc);
            return m;
        }
        return w.msg();
    }

    private static List<String> section(Message m, int s) {
        return m.getSection(s).stream().map(Record::toString).map(x -> x.replaceAll("\\s+", " ")).sorted().toList();
    }

    private static List<String> ordered(Message m, int s) {
        return m.getSection(s).stream().map(Record::toString).map(x -> x.replaceAll("\\s+", " ")).toList();
    }

    @Test
    void apexAndExactNames() throws Exception {
        Handler h = handler("db.miek.nl", " miek.nl", NEXT);
        Message soa = ask(h, "miek.nl.", Type.SOA);
        assertEquals(List.of(MIEK_SOA), section(soa, Section.ANSWER));
        assertEquals(MIEK_NS, section(soa, Section.AUTHORITY));
        assertTrue(soa.getHeader().getFlag(Flags.AA));
        assertEquals(List.of("miek.nl. 1800 IN AAAA 2a01:7e00:0:0:f03c:91ff:fef1:6735"),
                section(ask(h, "mIeK.NL.", Type.AAAA), Section.ANSWER), "lower-case owners for a 0x20 question");
        assertEquals(5, ask(h, "miek.nl.", Type.MX).getSection(Section.ANSWER).size());
        Message mx = ask(h, "mx.miek.nl.", Type.MX);
        assertEquals(List.of("a.miek.nl. 1800 IN A 139.162.196.78", "a.miek.nl. 1800 IN AAAA 2a01:7e00:0:0:f03c:91ff:fef1:6735"),
                section(mx, Section.ADDITIONAL));
    }

    @Test
    void nodataAndNxdomain() throws Exception {
        Handler h = handler("db.miek.nl", " miek.nl", NEXT);
        Message nodata = ask(h, "a.miek.nl.", Type.SRV);
        assertEquals(Rcode.NOERROR, nodata.getRcode());
        assertTrue(nodata.getSection(Section.ANSWER).isEmpty());
        assertEquals(List.of(MIEK_SOA), section(nodata, Section.AUTHORITY));
        Message nx = ask(h, "b.miek.nl.", Type.A);
        assertEquals(Rcode.NXDOMAIN, nx.getRcode());
        assertEquals(List.of(MIEK_SOA), section(nx, Section.AUTHORITY));
        assertEquals(Rcode.NXDOMAIN, ask(h, "a.b.x.miek.nl.", Type.CNAME).getRcode(), "b.x blocks the wildcard *.x");
    }

    @Test
    void cnamesDnamesAndWildcards() throws Exception {
        Handler h = handler("db.miek.nl", " miek.nl", NEXT);
        assertEquals(List.of("www.miek.nl. 1800 IN CNAME a.miek.nl.", "a.miek.nl. 1800 IN A 139.162.196.78"),
                ordered(ask(h, "www.miek.nl.", Type.A), Section.ANSWER));
        assertEquals(List.of("dname.miek.nl. 1800 IN DNAME x.miek.nl.", "foo.dname.miek.nl. 1800 IN CNAME foo.x.miek.nl."),
                ordered(ask(h, "foo.dname.miek.nl.", Type.CNAME), Section.ANSWER));
        assertEquals(List.of("dname.miek.nl. 1800 IN DNAME x.miek.nl.", "a.dname.miek.nl. 1800 IN CNAME a.x.miek.nl.",
                "a.x.miek.nl. 1800 IN CNAME www.miek.nl.", "www.miek.nl. 1800 IN CNAME a.miek.nl.",
                "a.miek.nl. 1800 IN A 139.162.196.78"), ordered(ask(h, "a.dname.miek.nl.", Type.A), Section.ANSWER),
                "a.x is no node: looked up through the server, where the wildcard answers");
        assertEquals(List.of("anything.y.miek.nl. 1800 IN A 139.162.196.78"),
                section(ask(h, "anything.y.miek.nl.", Type.A), Section.ANSWER));
        Message external = ask(h, "ext-cname.miek.nl.", Type.A);
        assertEquals(Rcode.SERVFAIL, external.getRcode(), "the server's SERVFAIL for the target decides");
        assertEquals(List.of("ext-cname.miek.nl. 1800 IN CNAME example.com."), section(external, Section.ANSWER));
        assertEquals(MIEK_NS, section(external, Section.AUTHORITY));
    }

    @Test
    void delegations() throws Exception {
        Handler h = handler("db.miek.nl.delegation", " miek.nl", NEXT);
        for (String name : List.of("a.delegated.miek.nl.", "delegated.miek.nl.", "foo.delegated.miek.nl.")) {
            Message m = ask(h, name, name.startsWith("delegated") ? Type.NS : Type.TXT);
            assertEquals(Rcode.NOERROR, m.getRcode(), name);
            assertFalse(m.getHeader().getFlag(Flags.AA), name + ": a referral is not authoritative");
            assertTrue(m.getSection(Section.ANSWER).isEmpty(), name);
            assertEquals(List.of("delegated.miek.nl. 1800 IN NS a.delegated.miek.nl.",
                    "delegated.miek.nl. 1800 IN NS ns-ext.nlnetlabs.nl."), section(m, Section.AUTHORITY), name);
            assertEquals(List.of("a.delegated.miek.nl. 1800 IN A 139.162.196.78",
                    "a.delegated.miek.nl. 1800 IN AAAA 2a01:7e00:0:0:f03c:91ff:fef1:6735"), section(m, Section.ADDITIONAL));
        }
    }

    @Test
    void additionalSectionsAndCnameChains() throws Exception {
        Handler h = handler("db.example.org", " example.org", NEXT);
        assertEquals(List.of("host.example.org. 1800 IN A 192.0.2.10", "host.example.org. 1800 IN AAAA 2001:db8:0:0:0:0:0:10"),
                section(ask(h, "mx.example.org.", Type.MX), Section.ADDITIONAL), "a shared target once");
        Message viaCname = ask(h, "cname-srv.example.org.", Type.SRV);
        assertEquals(3, viaCname.getSection(Section.ANSWER).size());
        assertEquals(2, viaCname.getSection(Section.ADDITIONAL).size());
        Message wild = ask(h, "foo.wild.example.org.", Type.SRV);
        assertEquals("foo.wild.example.org. 1800 IN CNAME srv.example.org.", ordered(wild, Section.ANSWER).get(0));
        assertEquals(List.of("dname.example.org. 1800 IN DNAME dsub.example.org.",
                "srv.dname.example.org. 1800 IN CNAME srv.dsub.example.org.",
                "srv.dsub.example.org. 1800 IN SRV 10 50 8080 host.example.org."),
                ordered(ask(h, "srv.dname.example.org.", Type.SRV), Section.ANSWER));
    }

    @Test
    void wildcardsEmptyNonTerminalsAndFallthrough() throws Exception {
        Handler h = handler("db.example.org.iana", " example.org", NEXT);
        assertEquals(List.of("a.a.w.example.org. 3600 IN TXT \"Wildcard\""),
                section(ask(h, "a.a.w.example.org.", Type.TXT), Section.ANSWER));
        assertEquals(List.of("short.example.org. 1 IN A 127.0.0.3"), section(ask(h, "short.example.org.", Type.A), Section.ANSWER));
        assertEquals(List.of("cname-origin.example.org. 3600 IN CNAME example.org.", "example.org. 3600 IN A 127.0.0.1",
                "example.org. 3600 IN A 127.0.0.2"), section(ask(h, "cname-origin.example.org.", Type.A), Section.ANSWER));
        Message ent = ask(h, "c.w.example.org.", Type.TXT);
        assertEquals(Rcode.NOERROR, ent.getRcode(), "an empty non-terminal is NODATA");

        Handler fall = handler("db.example.org.iana", " example.org {\n fallthrough\n}", NEXT);
        assertEquals(Rcode.NXDOMAIN, ask(fall, "w.example.org.", Type.TXT).getRcode(), "the next plugin's answer");
        assertTrue(ask(fall, "w.example.org.", Type.TXT).getSection(Section.AUTHORITY).isEmpty(), "not file's SOA");
        Message nodata = ask(fall, "example.org.", Type.MX);
        assertEquals(1, nodata.getSection(Section.AUTHORITY).size(), "NODATA never falls through");
    }

    @Test
    void outsideTheZonesAndTransfers() throws Exception {
        Handler h = handler("db.example.org.iana", " example.org", null);
        assertEquals(Rcodes.REFUSED, ask(h, "example.net.", Type.A).getRcode(), "no next plugin: REFUSED");
        assertEquals(Rcodes.REFUSED, ask(h, "example.org.", Type.AXFR).getRcode(), "AXFR is the transfer plugin's");
        List<Record> axfr = ((Transferer) h).transfer("example.org.", -1);
        assertEquals(Type.SOA, axfr.get(0).getType());
        assertEquals(Type.SOA, axfr.get(axfr.size() - 1).getType());
        assertEquals(1, ((Transferer) h).transfer("example.org.", 2015082541).size(), "an up-to-date IXFR: the SOA");
        assertNull(((Transferer) h).transfer("example.net.", -1));
    }

    @Test
    void reloadWhenTheSerialDiffers() throws Exception {
        Path file = copy("db.reload");
        TestController c = TestController.of("file " + file + " example.org {\n reload 1h\n}");
        new FilePlugin().setup(c);
        Handler h = c.handler(NEXT);
        FileZone zone = ((FileHandlerAccess) () -> h).zone();
        assertEquals(List.of("example.org. 3600 IN A 127.0.0.1", "example.org. 3600 IN A 127.0.0.2"),
                section(ask(h, "example.org.", Type.A), Section.ANSWER));
        String original = Files.readString(file);
        Files.writeString(file, original.replace("127.0.0.2", "127.0.0.9"));
        zone.check();
        assertEquals(2, ask(h, "example.org.", Type.A).getSection(Section.ANSWER).size());
        assertTrue(section(ask(h, "example.org.", Type.A), Section.ANSWER).contains("example.org. 3600 IN A 127.0.0.2"),
                "same serial: not reloaded");
        Files.writeString(file, original.replace("127.0.0.2", "127.0.0.9").replace("2015082541", "2015082540"));
        zone.check();
        assertTrue(section(ask(h, "example.org.", Type.A), Section.ANSWER).contains("example.org. 3600 IN A 127.0.0.9"),
                "a lower serial reloads too");
        Files.writeString(file, "this is no zone file");
        zone.check();
        assertTrue(section(ask(h, "example.org.", Type.A), Section.ANSWER).contains("example.org. 3600 IN A 127.0.0.9"),
                "a broken file leaves the loaded data serving");
    }

    /** Reaches the zone behind a handler for the reload test. */
    private interface FileHandlerAccess {
        Handler handler();

        default FileZone zone() {
            return ((FileHandler) handler()).zonesForTest().get(0);
        }
    }

    @Test
    void setupErrors() throws Exception {
        Path noSoa = dir.resolve("nosoa");
        Files.writeString(noSoa, "$ORIGIN example.org.\nwww 60 IN A 192.0.2.1\n");
        Path broken = dir.resolve("broken");
        Files.writeString(broken, "$ORIGIN example.org.\n@ 60 IN SOA x\n");
        String[][] bad = {
            {"file", "Wrong argument count"},
            {"file " + noSoa + " example.org", "has no SOA record for origin example.org."},
            {"file " + broken + " example.org", "failed to parse file"},
            {"file " + dir.resolve("missing") + " example.org {\n reload 0\n}", "no such file or directory"},
            {"file " + noSoa + " example.org {\n reload\n}", "reload duration value is expected"},
            {"file " + noSoa + " example.org {\n reload soon\n}", "invalid duration"},
            {"file " + noSoa + " example.org {\n nonsense\n}", "unknown property 'nonsense'"},
        };
        for (String[] b : bad) {
            PluginException e = assertThrows(PluginException.class, () -> new FilePlugin().setup(TestController.of(b[0])),
                    b[0]);
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
        }
        TestController later = TestController.of("file " + dir.resolve("missing") + " example.org");
        new FilePlugin().setup(later);
        assertEquals(Rcodes.SERVFAIL, ask(later.handler(NEXT), "example.org.", Type.A).getRcode(),
                "a file not there yet: SERVFAIL until it is read");
    }
}
