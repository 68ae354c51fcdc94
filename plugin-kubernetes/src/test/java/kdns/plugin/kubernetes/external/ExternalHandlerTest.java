package kdns.plugin.kubernetes.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.plugin.kubernetes.KubernetesHandler;
import kdns.plugin.kubernetes.KubernetesDirective;
import kdns.plugin.kubernetes.KubernetesPlugin;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.model.Endpoint;
import kdns.plugin.kubernetes.spi.Port;
import kdns.plugin.kubernetes.model.ServiceInfo;
import kdns.plugin.kubernetes.model.SliceInfo;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Every option and answer of k8s_external, in front of a kubernetes handler over a hand-filled index. */
class ExternalHandlerTest {

    private static final Port HTTP = new Port("http", "TCP", 80);
    private static final Port HTTPS = new Port("https", "TCP", 443);

    /** The cluster: services with external IPs, a load balancer with a host name, a headless service, CoreDNS. */
    static ClusterIndex cluster() {
        ClusterIndex index = new ClusterIndex();
        for (String ns : List.of("testns", "other", "kube-system")) {
            index.putNamespace(ns);
        }
        index.putService(new ServiceInfo("testns", "svc1", "ClusterIP", List.of("10.0.0.1"), null, List.of(HTTP),
                List.of("1.2.3.4", "1:2::5")));
        index.putService(new ServiceInfo("testns", "noports", "ClusterIP", List.of("10.0.0.2"), null, List.of(),
                List.of("1.2.3.6")));
        index.putService(new ServiceInfo("testns", "internal", "ClusterIP", List.of("10.0.0.3"), null, List.of(HTTP),
                List.of()));
        index.putService(new ServiceInfo("testns", "lb", "LoadBalancer", List.of("10.0.0.4"), null,
                List.of(HTTP, HTTPS), List.of("lb.example.net")));
        index.putService(new ServiceInfo("testns", "hl", "ClusterIP", List.of("None"), null, List.of(HTTP), List.of()));
        index.putSlice(null, new SliceInfo("testns", "hl-abc", "hl", List.of(new Endpoint("10.244.1.1", "web-0", "web-0", "n", ""),
                new Endpoint("10.244.1.2", "", "web-1", "n", "")), List.of(HTTP), -1));
        index.putService(new ServiceInfo("other", "hidden", "ClusterIP", List.of("10.0.1.1"), null, List.of(HTTP),
                List.of("5.6.7.8")));
        index.putService(new ServiceInfo("kube-system", "kube-dns", "LoadBalancer", List.of("10.0.0.10"), null,
                List.of(new Port("dns", "UDP", 53)), List.of("192.0.2.53", "2001:db8::53")));
        index.putSlice(null, new SliceInfo("kube-system", "kube-dns-xyz", "kube-dns",
                List.of(new Endpoint("10.244.0.10", "", "coredns-0", "n", "")), List.of(new Port("dns", "UDP", 53)), -1));
        return index;
    }

    /** The next plugin and the rest of the server: answers A/AAAA for names under example.net, counts calls. */
    static final class Upstream implements Handler {
        final AtomicInteger asked = new AtomicInteger();
        final boolean later;

        Upstream(boolean later) {
            this.later = later;
        }

        @Override
        public String name() {
            return "upstream";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) throws HandlerException {
            asked.incrementAndGet();
            Message m = new Message(request.id());
            m.getHeader().setFlag(Flags.QR);
            m.addRecord(request.message().getQuestion(), Section.QUESTION);
            if (!request.name().endsWith("example.net.")) {
                m.getHeader().setRcode(Rcode.NXDOMAIN);
                m.addRecord(new org.xbill.DNS.TXTRecord(request.qname(), DClass.IN, 1, "next"), Section.ANSWER);
                writer.write(m);
                return Rcodes.NXDOMAIN;
            }
            try {
                if (request.qtype() == Type.A) {
                    m.addRecord(new ARecord(request.qname(), DClass.IN, 60, InetAddress.getByName("198.51.100.7")),
                            Section.ANSWER);
                } else if (request.qtype() == Type.AAAA) {
                    m.addRecord(new org.xbill.DNS.AAAARecord(request.qname(), DClass.IN, 60,
                            InetAddress.getByName("2001:db8::7")), Section.ANSWER);
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            if (!later) {
                writer.write(m);
                return Rcodes.NOERROR;
            }
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                writer.write(m);
            });
            return Handler.DEFERRED;
        }
    }

    /** k8s_external, then kubernetes, then {@code next}; the instance serves lookups through that chain. */
    static Handler chain(String kubernetes, String external, ClusterIndex index, Handler next, List<String> bind,
                         BooleanSupplier synced) throws Exception {
        TestController block = TestController.of(kubernetes);
        block.listenHosts(bind);
        Answerer answerer = new Answerer(KubernetesDirective.parse(TestController.of(kubernetes)), index, synced, List::of);
        KubernetesHandler k8s = new KubernetesHandler(answerer, next, synced, block);
        TestController ext = TestController.nextBlock(block, external);
        new ExternalPlugin().setup(ext);
        Handler e = ext.handler(k8s);
        block.instance().handlers(List.of(e, k8s));
        ext.runStartup();
        return e;
    }

    static Handler chain(String external) throws Exception {
        return chain("kubernetes cluster.local", external, cluster(), new Upstream(false), List.of("127.0.0.1"),
                () -> true);
    }

    static Message ask(Handler h, String name, int type) throws Exception {
        RecordingWriter w = new RecordingWriter();
        int rc = h.serve(TestRequests.query(name, type), w);
        assertTrue(Rcodes.clientWrote(rc), "rcode " + rc);
        return w.msg();
    }

    static List<String> section(Message m, int section) {
        return m.getSection(section).stream().map(Record::toString).map(s -> s.replaceAll("\\s+", " ")).sorted()
                .toList();
    }

    static String soa(String zone, String apex, long ttl) {
        return zone + " " + ttl + " IN SOA ns1." + apex + "." + zone + " hostmaster." + apex + "." + zone;
    }

    private static void negative(Message m, int rcode, String soaPrefix) {
        assertEquals(rcode, m.getRcode(), m.toString());
        assertTrue(m.getSection(Section.ANSWER).isEmpty(), m.toString());
        assertEquals(1, m.getSection(Section.AUTHORITY).size(), m.toString());
        assertTrue(section(m, Section.AUTHORITY).get(0).startsWith(soaPrefix), m.toString());
        assertTrue(m.getHeader().getFlag(Flags.AA));
    }

    @Test
    void externalIpsAnswerAAndAaaa() throws Exception {
        Handler h = chain("k8s_external example.com");
        assertEquals(List.of("svc1.testns.example.com. 5 IN A 1.2.3.4"),
                section(ask(h, "svc1.testns.example.com.", Type.A), Section.ANSWER));
        assertEquals(List.of("svc1.testns.example.com. 5 IN AAAA 1:2:0:0:0:0:0:5"),
                section(ask(h, "svc1.testns.example.com.", Type.AAAA), Section.ANSWER));
        // a service without ports still has its addresses, but no SRV
        assertEquals(List.of("noports.testns.example.com. 5 IN A 1.2.3.6"),
                section(ask(h, "noports.testns.example.com.", Type.A), Section.ANSWER));
        negative(ask(h, "noports.testns.example.com.", Type.SRV), Rcode.NOERROR, soa("example.com.", "dns", 5));
    }

    @Test
    void srvPerPortWithGlueAndPortProtocolNames() throws Exception {
        Handler h = chain("k8s_external example.com");
        Message m = ask(h, "svc1.testns.example.com.", Type.SRV);
        assertEquals(List.of("svc1.testns.example.com. 5 IN SRV 0 50 80 svc1.testns.example.com."),
                section(m, Section.ANSWER));
        assertEquals(List.of("svc1.testns.example.com. 5 IN A 1.2.3.4",
                "svc1.testns.example.com. 5 IN AAAA 1:2:0:0:0:0:0:5"), section(m, Section.ADDITIONAL));
        assertEquals(List.of("_http._tcp.svc1.testns.example.com. 5 IN SRV 0 50 80 svc1.testns.example.com."),
                section(ask(h, "_http._tcp.svc1.testns.example.com.", Type.SRV), Section.ANSWER));
        negative(ask(h, "_dns._udp.svc1.testns.example.com.", Type.SRV), Rcode.NXDOMAIN, soa("example.com.", "dns", 5));
    }

    @Test
    void namesThatDoNotExistAndTypesWithoutData() throws Exception {
        Handler h = chain("k8s_external example.com");
        String soa = soa("example.com.", "dns", 5);
        negative(ask(h, "svc0.testns.example.com.", Type.A), Rcode.NXDOMAIN, soa);
        negative(ask(h, "svc1.nons.example.com.", Type.A), Rcode.NXDOMAIN, soa);
        negative(ask(h, "a.b.c.svc1.testns.example.com.", Type.A), Rcode.NXDOMAIN, soa);
        negative(ask(h, "internal.testns.example.com.", Type.A), Rcode.NXDOMAIN, soa); // no external IPs
        negative(ask(h, "testns.example.com.", Type.A), Rcode.NOERROR, soa); // the namespace exists
        negative(ask(h, "svc1.testns.example.com.", Type.TXT), Rcode.NOERROR, soa);
        negative(ask(h, "svc1.testns.example.com.", Type.MX), Rcode.NOERROR, soa);
        negative(ask(h, "svc1.testns.example.com.", Type.PTR), Rcode.NOERROR, soa);
        // the headless service is not served without the headless option
        negative(ask(h, "hl.testns.example.com.", Type.A), Rcode.NXDOMAIN, soa);
    }

    @Test
    void apexSoaNsAndTheNameServerSubdomain() throws Exception {
        // the server is bound to CoreDNS's pod IP: the apex NS glue is the kube-dns Service's external IPs
        Handler h = chain("kubernetes cluster.local", "k8s_external example.com", cluster(), new Upstream(false),
                List.of("10.244.0.10"), () -> true);
        Message soa = ask(h, "example.com.", Type.SOA);
        assertEquals(1, soa.getSection(Section.ANSWER).size());
        assertTrue(section(soa, Section.ANSWER).get(0).startsWith(soa("example.com.", "dns", 5)), soa.toString());
        assertTrue(section(soa, Section.ANSWER).get(0).endsWith(" 7200 1800 86400 5"), soa.toString());
        Message ns = ask(h, "example.com.", Type.NS);
        assertEquals(List.of("example.com. 5 IN NS ns1.dns.example.com."), section(ns, Section.ANSWER));
        assertEquals(List.of("ns1.dns.example.com. 5 IN A 192.0.2.53",
                "ns1.dns.example.com. 5 IN AAAA 2001:db8:0:0:0:0:0:53"), section(ns, Section.ADDITIONAL));
        assertEquals(List.of("ns1.dns.example.com. 5 IN A 192.0.2.53"),
                section(ask(h, "ns1.dns.example.com.", Type.A), Section.ANSWER));
        assertEquals(List.of("ns1.dns.example.com. 5 IN AAAA 2001:db8:0:0:0:0:0:53"),
                section(ask(h, "ns1.dns.example.com.", Type.AAAA), Section.ANSWER));
        String soaText = soa("example.com.", "dns", 5);
        negative(ask(h, "ns1.dns.example.com.", Type.TXT), Rcode.NOERROR, soaText);
        negative(ask(h, "dns.example.com.", Type.A), Rcode.NOERROR, soaText);
        negative(ask(h, "ns2.dns.example.com.", Type.A), Rcode.NXDOMAIN, soaText);
        negative(ask(h, "a.ns1.dns.example.com.", Type.A), Rcode.NXDOMAIN, soaText);
        negative(ask(h, "example.com.", Type.A), Rcode.NOERROR, soaText);
    }

    @Test
    void aServerNotBehindAServiceIsItsOwnNameServerAddress() throws Exception {
        Handler h = chain("kubernetes cluster.local", "k8s_external example.com", cluster(), new Upstream(false),
                List.of("192.0.2.99"), () -> true);
        assertEquals(List.of("ns1.dns.example.com. 5 IN A 192.0.2.99"),
                section(ask(h, "example.com.", Type.NS), Section.ADDITIONAL));
        // bound to loopback only: no addresses at all
        negative(ask(chain("k8s_external example.com"), "ns1.dns.example.com.", Type.A), Rcode.NOERROR,
                soa("example.com.", "dns", 5));
    }

    @Test
    void apexAndTtlOptions() throws Exception {
        Handler h = chain("k8s_external example.com {\n apex ext\n ttl 300\n}");
        Message soa = ask(h, "example.com.", Type.SOA);
        assertTrue(section(soa, Section.ANSWER).get(0).startsWith(soa("example.com.", "ext", 300)), soa.toString());
        assertTrue(section(soa, Section.ANSWER).get(0).endsWith(" 7200 1800 86400 300"), soa.toString());
        assertEquals(List.of("svc1.testns.example.com. 300 IN A 1.2.3.4"),
                section(ask(h, "svc1.testns.example.com.", Type.A), Section.ANSWER));
        negative(ask(h, "ext.example.com.", Type.A), Rcode.NOERROR, soa("example.com.", "ext", 300));
        // the default apex label is an ordinary namespace name now
        negative(ask(h, "dns.example.com.", Type.A), Rcode.NXDOMAIN, soa("example.com.", "ext", 300));
        // SRV records keep the kubernetes plugin's TTL, the glue takes k8s_external's (as CoreDNS)
        Message srv = ask(h, "svc1.testns.example.com.", Type.SRV);
        assertEquals(List.of("svc1.testns.example.com. 5 IN SRV 0 50 80 svc1.testns.example.com."),
                section(srv, Section.ANSWER));
        assertTrue(section(srv, Section.ADDITIONAL).get(0).startsWith("svc1.testns.example.com. 300 IN A"));
    }

    @Test
    void headlessOptionAnswersEndpoints() throws Exception {
        Handler h = chain("k8s_external example.com {\n headless\n}");
        assertEquals(List.of("hl.testns.example.com. 5 IN A 10.244.1.1", "hl.testns.example.com. 5 IN A 10.244.1.2"),
                section(ask(h, "hl.testns.example.com.", Type.A), Section.ANSWER));
        assertEquals(List.of("web-0.hl.testns.example.com. 5 IN A 10.244.1.1"),
                section(ask(h, "web-0.hl.testns.example.com.", Type.A), Section.ANSWER));
        assertEquals(List.of("10-244-1-2.hl.testns.example.com. 5 IN A 10.244.1.2"),
                section(ask(h, "10-244-1-2.hl.testns.example.com.", Type.A), Section.ANSWER));
        Message srv = ask(h, "_http._tcp.hl.testns.example.com.", Type.SRV);
        assertEquals(List.of("_http._tcp.hl.testns.example.com. 5 IN SRV 0 50 80 10-244-1-2.hl.testns.example.com.",
                "_http._tcp.hl.testns.example.com. 5 IN SRV 0 50 80 web-0.hl.testns.example.com."),
                section(srv, Section.ANSWER));
        assertEquals(List.of("10-244-1-2.hl.testns.example.com. 5 IN A 10.244.1.2",
                "web-0.hl.testns.example.com. 5 IN A 10.244.1.1"), section(srv, Section.ADDITIONAL));
        negative(ask(h, "web-9.hl.testns.example.com.", Type.A), Rcode.NXDOMAIN, soa("example.com.", "dns", 5));
        // services with external IPs keep answering them
        assertEquals(List.of("svc1.testns.example.com. 5 IN A 1.2.3.4"),
                section(ask(h, "svc1.testns.example.com.", Type.A), Section.ANSWER));
    }

    @Test
    void loadBalancerHostNamesAreCnamesLookedUpThroughTheServer() throws Exception {
        Upstream up = new Upstream(false);
        Handler h = chain("kubernetes cluster.local", "k8s_external example.com", cluster(), up, List.of("127.0.0.1"),
                () -> true);
        Message a = ask(h, "lb.testns.example.com.", Type.A);
        assertEquals("lb.testns.example.com. 5 IN CNAME lb.example.net.",
                a.getSection(Section.ANSWER).get(0).toString().replaceAll("\\s+", " "));
        assertEquals("lb.example.net. 60 IN A 198.51.100.7",
                a.getSection(Section.ANSWER).get(1).toString().replaceAll("\\s+", " "));
        assertEquals(2, a.getSection(Section.ANSWER).size(), a.toString());
        Message srv = ask(h, "lb.testns.example.com.", Type.SRV);
        assertEquals(List.of("lb.testns.example.com. 5 IN SRV 0 50 443 lb.example.net.",
                "lb.testns.example.com. 5 IN SRV 0 50 80 lb.example.net."), section(srv, Section.ANSWER));
        assertEquals(List.of("lb.example.net. 60 IN A 198.51.100.7", "lb.example.net. 60 IN AAAA 2001:db8:0:0:0:0:0:7"),
                section(srv, Section.ADDITIONAL));
    }

    @Test
    void aLookupAnsweredLaterCompletesTheReplyFromItsThread() throws Exception {
        Handler h = chain("kubernetes cluster.local", "k8s_external example.com", cluster(), new Upstream(true),
                List.of("127.0.0.1"), () -> true);
        RecordingWriter w = new RecordingWriter();
        assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("lb.testns.example.com.", Type.SRV), w));
        Message m = w.await(5, TimeUnit.SECONDS);
        assertEquals(2, m.getSection(Section.ANSWER).size(), String.valueOf(m));
        assertEquals(List.of("lb.example.net. 60 IN A 198.51.100.7", "lb.example.net. 60 IN AAAA 2001:db8:0:0:0:0:0:7"),
                section(m, Section.ADDITIONAL));
        Thread.sleep(100);
        assertEquals(1, w.writes());
    }

    @Test
    void ptrForExternalIpsInListedReverseZones() throws Exception {
        Handler h = chain("k8s_external example.com 1.2.3.0/24 in-addr.arpa");
        assertEquals(List.of("4.3.2.1.in-addr.arpa. 5 IN PTR svc1.testns.example.com."),
                section(ask(h, "4.3.2.1.in-addr.arpa.", Type.PTR), Section.ANSWER));
        negative(ask(h, "9.3.2.1.in-addr.arpa.", Type.PTR), Rcode.NXDOMAIN, soa("3.2.1.in-addr.arpa.", "dns", 5));
        // a cluster IP is not an external IP
        negative(ask(h, "1.0.0.10.in-addr.arpa.", Type.PTR), Rcode.NXDOMAIN, soa("in-addr.arpa.", "dns", 5));
    }

    @Test
    void theNameServerIsFoundInNamespacesTheOptionsHide() throws Exception {
        // ns.go nsAddrs looks at every namespace's endpoints: kube-system is not exposed here, yet the
        // server bound to kube-dns's endpoint has kube-dns's external IPs as its name server addresses
        Handler h = chain("kubernetes cluster.local {\n namespaces testns\n}", "k8s_external example.com", cluster(),
                new Upstream(false), List.of("10.244.0.10"), () -> true);
        assertEquals(List.of("ns1.dns.example.com. 5 IN A 192.0.2.53",
                "ns1.dns.example.com. 5 IN AAAA 2001:db8:0:0:0:0:0:53"),
                section(ask(h, "example.com.", Type.NS), Section.ADDITIONAL));
    }

    @Test
    void namespacesOfTheKubernetesPluginApply() throws Exception {
        Handler h = chain("kubernetes cluster.local {\n namespaces testns\n}", "k8s_external example.com in-addr.arpa",
                cluster(), new Upstream(false), List.of("127.0.0.1"), () -> true);
        negative(ask(h, "hidden.other.example.com.", Type.A), Rcode.NXDOMAIN, soa("example.com.", "dns", 5));
        negative(ask(h, "8.7.6.5.in-addr.arpa.", Type.PTR), Rcode.NXDOMAIN, soa("in-addr.arpa.", "dns", 5));
        assertEquals(List.of("svc1.testns.example.com. 5 IN A 1.2.3.4"),
                section(ask(h, "svc1.testns.example.com.", Type.A), Section.ANSWER));
        Handler all = chain("k8s_external example.com in-addr.arpa");
        assertEquals(List.of("8.7.6.5.in-addr.arpa. 5 IN PTR hidden.other.example.com."),
                section(ask(all, "8.7.6.5.in-addr.arpa.", Type.PTR), Section.ANSWER));
    }

    @Test
    void fallthroughOnlyOnNxdomain() throws Exception {
        Handler h = chain("k8s_external example.com {\n fallthrough\n}");
        Message next = ask(h, "svc0.testns.example.com.", Type.A);
        assertEquals("next", ((org.xbill.DNS.TXTRecord) next.getSection(Section.ANSWER).get(0)).getStrings().get(0));
        negative(ask(h, "svc1.testns.example.com.", Type.TXT), Rcode.NOERROR, soa("example.com.", "dns", 5));
        Handler some = chain("k8s_external example.com example.org {\n fallthrough example.org\n}");
        negative(ask(some, "svc0.testns.example.com.", Type.A), Rcode.NXDOMAIN, soa("example.com.", "dns", 5));
        assertEquals(Type.TXT, ask(some, "svc0.testns.example.org.", Type.A).getSection(Section.ANSWER).get(0).getType());
    }

    @Test
    void namesOutsideTheZonesGoToTheNextPlugin() throws Exception {
        Handler h = chain("k8s_external example.com");
        assertEquals(Type.TXT, ask(h, "svc1.testns.example.org.", Type.A).getSection(Section.ANSWER).get(0).getType());
        // kubernetes still answers its own zone behind k8s_external
        assertEquals(List.of("svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"),
                section(ask(h, "svc1.testns.svc.cluster.local.", Type.A), Section.ANSWER));
    }

    @Test
    void theQuerySpellingIsKept() throws Exception {
        Handler h = chain("k8s_external example.com");
        Message m = ask(h, "SVC1.TestNS.Example.COM.", Type.SRV);
        assertEquals(List.of("SVC1.TestNS.Example.COM. 5 IN SRV 0 50 80 svc1.testns.Example.COM."),
                m.getSection(Section.ANSWER).stream().map(r -> r.toString().replaceAll("\\s+", " ")).toList());
        Message nx = ask(h, "Nope.TestNS.Example.COM.", Type.A);
        assertTrue(nx.getSection(Section.AUTHORITY).get(0).toString()
                .startsWith("Example.COM.\t\t5\tIN\tSOA\tns1.dns.Example.COM. hostmaster.dns.Example.COM."), nx.toString());
    }

    @Test
    void beforeTheInformersSyncedNoNxdomain() throws Exception {
        AtomicBoolean synced = new AtomicBoolean(false);
        Handler h = chain("kubernetes cluster.local", "k8s_external example.com", cluster(), new Upstream(false),
                List.of("127.0.0.1"), synced::get);
        negative(ask(h, "svc0.testns.example.com.", Type.A), Rcode.SERVFAIL, soa("example.com.", "dns", 5));
        synced.set(true);
        negative(ask(h, "svc0.testns.example.com.", Type.A), Rcode.NXDOMAIN, soa("example.com.", "dns", 5));
    }
}
