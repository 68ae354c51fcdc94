package kdns.plugin.standard.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.zones.Fallthrough;
import kdns.plugin.standard.CapturingSink;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class HostsPluginTest {

    /** CoreDNS's hostsExample (plugin/hosts/hosts_test.go) plus a few lines of our own. */
    static final String HOSTS = """
            127.0.0.1 localhost localhost.domain
            ::1 localhost localhost.domain
            10.0.0.1 example.org
            ::FFFF:10.0.0.2 example.com
            10.0.0.3 example.com
            reload 5s
            timeout 3600
            fe80::1%eth0 zoned.example.net
            10.0.0.4 a.example.net b.example.net   # trailing comment
            # 10.0.0.5 commented.example.net
            10.0.0.6
            not-an-ip name.example.net
            10.0.0.7 Mixed.Example.NET
            192.168.1.10 *.wild.example
            192.168.1.11 a.wild.example
            fd00::10 *.wild.example
            """;

    @TempDir
    Path dir;

    private TestController controller;
    private final CapturingSink log = new CapturingSink();

    @AfterEach
    void stop() {
        if (controller != null) {
            controller.runShutdown();
        }
    }

    private Path hostsFile(String content) throws Exception {
        Path p = dir.resolve("hosts");
        Files.writeString(p, content);
        return p;
    }

    /** Sets up the directive text, runs start-up (the first read) and returns the handler. */
    private HostsHandler hosts(String text) throws Exception {
        return hosts(text, List.of("."));
    }

    private HostsHandler hosts(String text, List<String> zones) throws Exception {
        controller = TestController.of(text, zones);
        new HostsPlugin(log).setup(controller);
        Handler h = controller.handler(TestHandlers.answering(Rcodes.NXDOMAIN));
        controller.runStartup();
        return (HostsHandler) h;
    }

    private HostsPlugin.Config config(String text) throws Exception {
        return new HostsPlugin(log).parse(TestController.of(text));
    }

    private String error(String text) {
        return assertThrows(PluginException.class, () -> new HostsPlugin(log).setup(TestController.of(text)))
                .getMessage();
    }

    private static RecordingWriter ask(Handler h, String name, int type) throws Exception {
        RecordingWriter w = new RecordingWriter();
        h.serve(TestRequests.query(name, type), w);
        return w;
    }

    private static int rcode(Handler h, String name, int type) throws Exception {
        return h.serve(TestRequests.query(name, type), new RecordingWriter());
    }

    private static List<String> answer(RecordingWriter w) {
        return w.msg().getSection(Section.ANSWER).stream().map(Record::toString).map(s -> s.replaceAll("\\s+", " "))
                .toList();
    }

    private double gauge(String name, String hostsfile) {
        for (MetricSnapshot s : controller.instance().metrics().prometheus().scrape()) {
            if (s instanceof GaugeSnapshot g && s.getMetadata().getName().equals(name)) {
                for (DataPointSnapshot d : g.getDataPoints()) {
                    GaugeSnapshot.GaugeDataPointSnapshot p = (GaugeSnapshot.GaugeDataPointSnapshot) d;
                    if (hostsfile == null || hostsfile.equals(p.getLabels().get("hostsfile"))) {
                        return p.getValue();
                    }
                }
            }
        }
        return Double.NaN;
    }

    // ---- syntax -----------------------------------------------------------------------------

    @Test
    void defaults() throws Exception {
        HostsPlugin.Config c = config("hosts");
        assertEquals("/etc/hosts", c.path());
        assertEquals(List.of("."), c.origins());
        assertEquals(3600, c.ttl());
        assertTrue(c.autoReverse());
        assertEquals(Duration.ofSeconds(5), c.reload());
        assertEquals(Fallthrough.NONE, c.fall());
        assertFalse(c.fallthroughUnsupported());
        assertEquals(List.of(), c.inline());
    }

    @Test
    void fileAndZones() throws Exception {
        HostsPlugin.Config c = config("hosts /etc/hosts miek.nl 10.0.0.9/8 {\n fallthrough\n}");
        assertEquals("/etc/hosts", c.path());
        assertEquals(List.of("miek.nl.", "10.in-addr.arpa."), c.origins());
        assertEquals(Fallthrough.ROOT, c.fall());
        assertEquals(new Fallthrough(List.of("in-addr.arpa.", "example.org.")),
                config("hosts {\n fallthrough in-addr.arpa example.org\n}").fall());
    }

    @Test
    void options() throws Exception {
        HostsPlugin.Config c = config("hosts {\n ttl 60\n reload 15s\n no_reverse\n fallthrough\n fallthrough_unsupported\n}");
        assertEquals(60, c.ttl());
        assertEquals(Duration.ofSeconds(15), c.reload());
        assertFalse(c.autoReverse());
        assertTrue(c.fallthroughUnsupported());
        assertEquals(Duration.ZERO, config("hosts {\n reload 0\n}").reload());
        assertEquals(Duration.ofMillis(1500), config("hosts {\n reload 1.5s\n}").reload());
        // fallthrough_unsupported may come before fallthrough
        assertTrue(config("hosts {\n fallthrough_unsupported\n fallthrough example.org\n}").fallthroughUnsupported());
    }

    @Test
    void inlineLinesBeforeFallthrough() throws Exception {
        HostsPlugin.Config c = config("hosts nofile example.org {\n 10.0.0.1 example.org\n 10.0.0.2 a.example.org b\n fallthrough\n}");
        assertEquals(List.of("10.0.0.1 example.org", "10.0.0.2 a.example.org b"), c.inline());
        assertEquals("Corefile:3 - Error during parsing: unknown property '10.0.0.1'",
                error("hosts nofile example.org {\n fallthrough\n 10.0.0.1 example.org\n}"));
    }

    @Test
    void onlyOncePerBlock() {
        assertEquals("this plugin can only be used once per Server Block",
                error("hosts /etc/hosts {\n fallthrough\n}\nhosts /etc/hosts {\n fallthrough\n}"));
    }

    @Test
    void ttlErrors() {
        assertEquals("Corefile:2 - Error during parsing: ttl needs a time in second", error("hosts {\n ttl\n}"));
        assertEquals("Corefile:2 - Error during parsing: ttl needs a number of second", error("hosts {\n ttl 1m\n}"));
        assertEquals("Corefile:2 - Error during parsing: ttl provided is invalid", error("hosts {\n ttl 0\n}"));
        assertEquals("Corefile:2 - Error during parsing: ttl provided is invalid", error("hosts {\n ttl 65536\n}"));
        assertEquals("Corefile:2 - Error during parsing: ttl provided is invalid", error("hosts {\n ttl -5\n}"));
    }

    @Test
    void reloadErrors() {
        assertEquals("Corefile:2 - Error during parsing: reload needs a duration (zero seconds to disable)",
                error("hosts {\n reload\n}"));
        assertEquals("Corefile:2 - Error during parsing: reload needs a duration (zero seconds to disable)",
                error("hosts {\n reload 1s 2s\n}"));
        assertEquals("Corefile:2 - Error during parsing: invalid duration for reload '5'", error("hosts {\n reload 5\n}"));
        assertEquals("Corefile:2 - Error during parsing: invalid duration for reload 'soon'",
                error("hosts {\n reload soon\n}"));
        assertEquals("Corefile:2 - Error during parsing: invalid negative duration for reload '-1s'",
                error("hosts {\n reload -1s\n}"));
    }

    @Test
    void fallthroughUnsupportedErrors() {
        assertEquals("Corefile:3 - Error during parsing: fallthrough_unsupported requires fallthrough",
                error("hosts {\n fallthrough_unsupported\n}"));
        assertEquals("Corefile:3 - Error during parsing: Wrong argument count or unexpected line ending after 'example.org'",
                error("hosts {\n fallthrough\n fallthrough_unsupported example.org\n}"));
    }

    @Test
    void missingFileOrDirectoryOnlyWarns() throws Exception {
        config("hosts " + dir.resolve("nope"));
        config("hosts " + dir);
        assertEquals(List.of("[WARNING] File does not exist: " + dir.resolve("nope"),
                "[WARNING] Hosts file \"" + dir + "\" is a directory"), log.lines());
    }

    @Test
    void fileBelowAFileIsAnError() throws Exception {
        Path f = hostsFile("10.0.0.1 a.example.org\n");
        assertEquals("Corefile:1 - Error during parsing: unable to access hosts file '" + f + "/x': stat " + f
                + "/x: not a directory", error("hosts " + f + "/x"));
    }

    // ---- answers ----------------------------------------------------------------------------

    @Test
    void addressesFromTheFile() throws Exception {
        Handler h = hosts("hosts " + hostsFile(HOSTS));
        assertEquals(List.of("example.org. 3600 IN A 10.0.0.1"), answer(ask(h, "example.org", Type.A)));
        // An IPv4-mapped address is an A record; addresses accumulate in file order.
        assertEquals(List.of("example.com. 3600 IN A 10.0.0.2", "example.com. 3600 IN A 10.0.0.3"),
                answer(ask(h, "example.com", Type.A)));
        assertEquals(List.of("localhost. 3600 IN AAAA 0:0:0:0:0:0:0:1"), answer(ask(h, "localhost", Type.AAAA)));
        assertEquals(List.of("zoned.example.net. 3600 IN AAAA fe80:0:0:0:0:0:0:1"), answer(ask(h, "zoned.example.net", Type.AAAA)));
        assertEquals(List.of("b.example.net. 3600 IN A 10.0.0.4"), answer(ask(h, "b.example.net", Type.A)));
        RecordingWriter w = ask(h, "example.org", Type.A);
        assertTrue(w.msg().getHeader().getFlag(Flags.AA));
        assertEquals(0, w.msg().getSection(Section.AUTHORITY).size());
    }

    @Test
    void ownerIsTheLowerCasedQuestion() throws Exception {
        Handler h = hosts("hosts " + hostsFile(HOSTS));
        assertEquals(List.of("mixed.example.net. 3600 IN A 10.0.0.7"), answer(ask(h, "mIxEd.ExAmPlE.nEt", Type.A)));
    }

    @Test
    void badLinesAreSkipped() throws Exception {
        Handler h = hosts("hosts " + hostsFile(HOSTS));
        assertEquals(Rcodes.SERVFAIL, rcode(h, "commented.example.net", Type.A));
        assertEquals(Rcodes.SERVFAIL, rcode(h, "name.example.net", Type.A));
        assertEquals(Rcodes.SERVFAIL, rcode(h, "5s", Type.A));
        assertEquals(Rcodes.SERVFAIL, rcode(h, "3600", Type.A));
    }

    @Test
    void nodataForAnotherTypeOfAKnownName() throws Exception {
        Handler h = hosts("hosts " + hostsFile(HOSTS) + " {\n fallthrough\n}");
        RecordingWriter w = ask(h, "example.org", Type.AAAA);
        assertEquals(Rcodes.NOERROR, w.msg().getRcode());
        assertTrue(w.msg().getHeader().getFlag(Flags.AA));
        assertEquals(0, w.msg().getSection(Section.ANSWER).size());
        assertEquals(0, w.msg().getSection(Section.AUTHORITY).size());
        assertEquals(0, ask(h, "example.org", Type.TXT).msg().getSection(Section.ANSWER).size());
        assertEquals(0, ask(h, "example.org", Type.MX).msg().getRcode());
    }

    @Test
    void unknownNameIsServfailWithoutFallthrough() throws Exception {
        Handler h = hosts("hosts " + hostsFile(HOSTS));
        RecordingWriter w = new RecordingWriter();
        assertEquals(Rcodes.SERVFAIL, h.serve(TestRequests.query("missing.example.org", Type.A), w));
        assertFalse(w.written());
        assertEquals(Rcodes.SERVFAIL, rcode(h, "missing.example.org", Type.TXT));
    }

    @Test
    void fallthroughPassesUnknownNamesOn() throws Exception {
        Handler h = hosts("hosts " + hostsFile(HOSTS) + " {\n fallthrough\n}");
        assertEquals(Rcodes.NXDOMAIN, rcode(h, "missing.example.org", Type.A));
        Handler only = hosts("hosts " + hostsFile(HOSTS) + " {\n fallthrough example.org\n}");
        assertEquals(Rcodes.NXDOMAIN, rcode(only, "missing.example.org", Type.A));
        assertEquals(Rcodes.SERVFAIL, rcode(only, "missing.example.net", Type.A));
    }

    @Test
    void fallthroughUnsupportedSendsOtherTypesOn() throws Exception {
        Handler h = hosts("hosts " + hostsFile(HOSTS) + " {\n fallthrough\n fallthrough_unsupported\n}");
        assertEquals(Rcodes.NXDOMAIN, rcode(h, "example.org", Type.TXT));
        assertEquals(Rcodes.NOERROR, rcode(h, "example.org", Type.AAAA)); // A/AAAA stay NODATA
        Handler scoped = hosts("hosts " + hostsFile(HOSTS) + " {\n fallthrough example.net\n fallthrough_unsupported\n}");
        assertEquals(Rcodes.NOERROR, rcode(scoped, "example.org", Type.TXT));
        assertEquals(Rcodes.NXDOMAIN, rcode(scoped, "a.example.net", Type.TXT));
    }

    @Test
    void namesOutsideTheZonesGoToTheNextPlugin() throws Exception {
        Handler h = hosts("hosts " + hostsFile(HOSTS) + " example.org");
        assertEquals(List.of("example.org. 3600 IN A 10.0.0.1"), answer(ask(h, "example.org", Type.A)));
        // example.com is in the file but not in the zones: neither answered nor known.
        assertEquals(Rcodes.NXDOMAIN, rcode(h, "example.com", Type.A));
        assertEquals(Rcodes.NXDOMAIN, rcode(h, "2.0.0.10.in-addr.arpa", Type.PTR));
        // PTR questions are looked up whatever the zones.
        assertEquals(List.of("1.0.0.10.in-addr.arpa. 3600 IN PTR example.org."),
                answer(ask(h, "1.0.0.10.in-addr.arpa", Type.PTR)));
    }

    @Test
    void serverBlockZonesAreTheDefault() throws Exception {
        Handler h = hosts("hosts " + hostsFile(HOSTS), List.of("example.org"));
        assertEquals(Rcodes.NOERROR, rcode(h, "example.org", Type.A));
        assertEquals(Rcodes.NXDOMAIN, rcode(h, "localhost", Type.A));
    }

    @Test
    void reverseLookups() throws Exception {
        Handler h = hosts("hosts " + hostsFile(HOSTS) + " {\n ttl 60\n}");
        assertEquals(List.of("1.0.0.127.in-addr.arpa. 60 IN PTR localhost.", "1.0.0.127.in-addr.arpa. 60 IN PTR localhost.domain."),
                answer(ask(h, "1.0.0.127.in-addr.arpa", Type.PTR)));
        // The IPv4-mapped address has its IPv4 reverse name.
        assertEquals(List.of("2.0.0.10.in-addr.arpa. 60 IN PTR example.com."), answer(ask(h, "2.0.0.10.in-addr.arpa", Type.PTR)));
        String v6 = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa";
        assertEquals(List.of(v6 + ". 60 IN PTR localhost.", v6 + ". 60 IN PTR localhost.domain."),
                answer(ask(h, v6, Type.PTR)));
        // No names for the address: the next plugin, with or without fallthrough.
        assertEquals(Rcodes.NXDOMAIN, rcode(h, "9.9.9.10.in-addr.arpa", Type.PTR));
        assertEquals(Rcodes.NXDOMAIN, rcode(h, "0.10.in-addr.arpa", Type.PTR));
        assertEquals(Rcodes.NXDOMAIN, rcode(h, "example.org", Type.PTR));
        // A leading zero is no address to Go's net.ParseIP.
        assertEquals(Rcodes.NXDOMAIN, rcode(h, "1.0.0.010.in-addr.arpa", Type.PTR));
        // Wildcard names have no reverse entry.
        assertEquals(List.of("11.1.168.192.in-addr.arpa. 60 IN PTR a.wild.example."),
                answer(ask(h, "11.1.168.192.in-addr.arpa", Type.PTR)));
        assertEquals(Rcodes.NXDOMAIN, rcode(h, "10.1.168.192.in-addr.arpa", Type.PTR));
    }

    @Test
    void noReverse() throws Exception {
        Handler h = hosts("hosts " + hostsFile(HOSTS) + " {\n 10.9.9.9 inline.example.org\n no_reverse\n}");
        assertEquals(Rcodes.NXDOMAIN, rcode(h, "1.0.0.10.in-addr.arpa", Type.PTR));
        assertEquals(Rcodes.NXDOMAIN, rcode(h, "9.9.9.10.in-addr.arpa", Type.PTR));
        assertEquals(List.of("inline.example.org. 3600 IN A 10.9.9.9"), answer(ask(h, "inline.example.org", Type.A)));
    }

    @Test
    void ttlAppliesToAddresses() throws Exception {
        Handler h = hosts("hosts " + hostsFile(HOSTS) + " {\n ttl 60\n}");
        assertEquals(List.of("example.org. 60 IN A 10.0.0.1"), answer(ask(h, "example.org", Type.A)));
    }

    @Test
    void wildcards() throws Exception {
        Handler h = hosts("hosts " + hostsFile(HOSTS));
        assertEquals(List.of("apps.wild.example. 3600 IN A 192.168.1.10"), answer(ask(h, "apps.wild.example", Type.A)));
        assertEquals(List.of("apps.wild.example. 3600 IN AAAA fd00:0:0:0:0:0:0:10"), answer(ask(h, "apps.wild.example", Type.AAAA)));
        // The exact entry wins; the wildcard matches one label only, not the apex.
        assertEquals(List.of("a.wild.example. 3600 IN A 192.168.1.11"), answer(ask(h, "a.wild.example", Type.A)));
        assertEquals(Rcodes.SERVFAIL, rcode(h, "wild.example", Type.A));
        assertEquals(Rcodes.SERVFAIL, rcode(h, "deep.apps.wild.example", Type.A));
        assertNull(HostsMap.wildcardOf("com."));
        assertEquals("*.b.c.", HostsMap.wildcardOf("a.b.c."));
        assertEquals("*.c.", HostsMap.wildcardOf("a\\.b.c."));
    }

    @Test
    void inlineEntriesFollowTheFileEntries() throws Exception {
        Handler h = hosts("hosts " + hostsFile(HOSTS) + " {\n 10.1.1.1 example.org\n 10.1.1.2 inline.example.org\n}");
        assertEquals(List.of("example.org. 3600 IN A 10.0.0.1", "example.org. 3600 IN A 10.1.1.1"),
                answer(ask(h, "example.org", Type.A)));
        assertEquals(List.of("2.1.1.10.in-addr.arpa. 3600 IN PTR inline.example.org."),
                answer(ask(h, "2.1.1.10.in-addr.arpa", Type.PTR)));
    }

    @Test
    void inlineOnlyWithAMissingFile() throws Exception {
        Handler h = hosts("hosts " + dir.resolve("missing") + " example.org {\n 10.0.0.1 example.org\n fallthrough\n}");
        assertEquals(List.of("example.org. 3600 IN A 10.0.0.1"), answer(ask(h, "example.org", Type.A)));
        assertEquals(Rcodes.NXDOMAIN, rcode(h, "other.example.org", Type.A));
    }

    // ---- reload and metrics -----------------------------------------------------------------

    @Test
    void metricsAfterTheFirstRead() throws Exception {
        Path f = hostsFile("10.0.0.1 a.example.org b.example.org\n::1 c.example.org\n");
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_700_000_000_500L));
        hosts("hosts " + f + " {\n 10.0.0.2 d.example.org\n reload 0\n}");
        // file: 3 names + 3 reverse entries; inline: 1 + 1
        assertEquals(8.0, gauge(HostsPlugin.ENTRIES, f.toString()));
        assertEquals(1_700_000_000.5, gauge(HostsPlugin.RELOAD_TIMESTAMP, null), 1e-6);
    }

    @Test
    void reloadPicksUpAChangedFile() throws Exception {
        Path f = hostsFile("10.0.0.1 a.example.org\n");
        HostsHandler h = hosts("hosts " + f + " {\n reload 20ms\n}");
        assertTrue(h.hosts().reloading());
        assertEquals(List.of("a.example.org. 3600 IN A 10.0.0.1"), answer(ask(h, "a.example.org", Type.A)));
        Files.writeString(f, "10.0.0.9 a.example.org\n10.0.0.8 b.example.org\n");
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_800_000_000_000L));
        for (int i = 0; i < 500 && gauge(HostsPlugin.ENTRIES, f.toString()) != 4.0; i++) {
            Thread.sleep(10);
        }
        assertEquals(4.0, gauge(HostsPlugin.ENTRIES, f.toString()));
        assertEquals(List.of("a.example.org. 3600 IN A 10.0.0.9"), answer(ask(h, "a.example.org", Type.A)));
        assertEquals(List.of("b.example.org. 3600 IN A 10.0.0.8"), answer(ask(h, "b.example.org", Type.A)));
        controller.runShutdown();
        assertFalse(h.hosts().reloading());
        controller = null;
    }

    @Test
    void unchangedFileIsNotReadAgain() throws Exception {
        Path f = hostsFile("10.0.0.1 a.example.org\n");
        FileTime t = FileTime.fromMillis(1_700_000_000_000L);
        Files.setLastModifiedTime(f, t);
        HostsHandler h = hosts("hosts " + f + " {\n reload 0\n}");
        Files.writeString(f, "10.0.0.2 a.example.org\n"); // same size, same time
        Files.setLastModifiedTime(f, t);
        h.hosts().readHosts();
        assertEquals(List.of("a.example.org. 3600 IN A 10.0.0.1"), answer(ask(h, "a.example.org", Type.A)));
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_700_000_001_000L));
        h.hosts().readHosts();
        assertEquals(List.of("a.example.org. 3600 IN A 10.0.0.2"), answer(ask(h, "a.example.org", Type.A)));
    }

    @Test
    void aDeletedFileKeepsItsLastEntries() throws Exception {
        Path f = hostsFile("10.0.0.1 a.example.org\n");
        HostsHandler h = hosts("hosts " + f + " {\n reload 0\n}");
        Files.delete(f);
        h.hosts().readHosts();
        assertEquals(List.of("a.example.org. 3600 IN A 10.0.0.1"), answer(ask(h, "a.example.org", Type.A)));
    }

    @Test
    void reloadZeroStartsNoTimer() throws Exception {
        HostsHandler h = hosts("hosts " + hostsFile(HOSTS) + " {\n reload 0\n}");
        assertFalse(h.hosts().reloading());
    }
}
