package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import kdns.api.Handler;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.dns.BoundAddresses;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import kdns.testing.cases.CaseCheck;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/** The apex NS records and ns.dns.<zone> use the block's non-loopback bind addresses (CoreDNS's boundIPs). */
class BindAddressesTest {

    private static final List<InetAddress> INTERFACES = List.of(address("192.0.2.200"));

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Handler handler(List<String> bind) throws Exception {
        KubernetesConfig config = KubernetesDirective.parse(TestController.of("kubernetes cluster.local"));
        TestController block = TestController.of("kubernetes cluster.local");
        block.listenHosts(bind);
        return new KubernetesHandler(new Answerer(config, new ClusterIndex(), () -> true, () -> INTERFACES), null,
                () -> true, block);
    }

    private static void check(Handler h, String name, int type, List<String> answer, List<String> extra)
            throws Exception {
        RecordingWriter w = new RecordingWriter();
        h.serve(TestRequests.query(name, type), w);
        Message m = w.msg();
        List<String> diffs = CaseCheck.differences(m, new CaseCheck.Expected("NOERROR", answer,
                answer.isEmpty() ? List.of("cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 0 7200 1800 86400 5")
                        : List.of(), extra));
        assertTrue(diffs.isEmpty(), diffs + "\n" + m);
    }

    @Test
    void bindAddressesReplaceTheInterfaceAddresses() throws Exception {
        Handler h = handler(List.of("127.0.0.1", "10.1.2.3", "fe80::1%eth0"));
        check(h, "ns.dns.cluster.local.", Type.A, List.of("ns.dns.cluster.local. 5 IN A 10.1.2.3"), List.of());
        check(h, "ns.dns.cluster.local.", Type.AAAA, List.of("ns.dns.cluster.local. 5 IN AAAA fe80::1"), List.of());
        check(h, "cluster.local.", Type.NS, List.of("cluster.local. 5 IN NS ns.dns.cluster.local."),
                List.of("ns.dns.cluster.local. 5 IN A 10.1.2.3", "ns.dns.cluster.local. 5 IN AAAA fe80::1"));
    }

    @Test
    void boundOnlyToLoopbackGivesNoNameServerAddresses() throws Exception {
        Handler h = handler(List.of("127.0.0.1", "::1"));
        check(h, "ns.dns.cluster.local.", Type.A, List.of(), List.of());
        check(h, "cluster.local.", Type.NS, List.of(), List.of());
    }

    @Test
    void withoutBindTheInterfaceAddressesAreUsed() throws Exception {
        check(handler(List.of()), "ns.dns.cluster.local.", Type.A,
                List.of("ns.dns.cluster.local. 5 IN A 192.0.2.200"), List.of());
        check(handler(List.of("0.0.0.0")), "ns.dns.cluster.local.", Type.A,
                List.of("ns.dns.cluster.local. 5 IN A 192.0.2.200"), List.of());
    }

    @Test
    void boundAddresses() {
        assertNull(BoundAddresses.of(List.of()));
        assertNull(BoundAddresses.of(List.of("::")));
        assertEquals(List.of(address("10.0.0.1"), address("2001:db8::1")),
                BoundAddresses.of(List.of("10.0.0.1", "127.0.0.53", "2001:db8::1", "::1", "10.0.0.1")));
        assertEquals(List.of(), BoundAddresses.of(List.of("127.0.0.1")));
    }
}
