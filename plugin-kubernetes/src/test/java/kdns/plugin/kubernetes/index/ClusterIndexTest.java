package kdns.plugin.kubernetes.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import kdns.plugin.kubernetes.model.Endpoint;
import kdns.plugin.kubernetes.model.PodInfo;
import kdns.plugin.kubernetes.spi.Port;
import kdns.plugin.kubernetes.model.ServiceInfo;
import kdns.plugin.kubernetes.model.SliceInfo;
import org.junit.jupiter.api.Test;

/** Incremental updates keep every lookup and the modification time right. */
class ClusterIndexTest {

    private final AtomicLong now = new AtomicLong(1000);
    private final ClusterIndex index = new ClusterIndex(now::get);

    private static ServiceInfo svc(String name, String... ips) {
        return new ServiceInfo("ns", name, "ClusterIP", List.of(ips), "", List.of(new Port("http", "TCP", 80)), List.of());
    }

    private static SliceInfo slice(String name, String svc, String... ips) {
        return new SliceInfo("ns", name, svc,
                java.util.Arrays.stream(ips).map(ip -> new Endpoint(ip, "", "", "", "")).toList(),
                List.of(new Port("http", "TCP", 8080)), -1);
    }

    @Test
    void servicesByClusterIpFollowUpdates() {
        index.putService(svc("a", "10.0.0.1", "fd00::1"));
        assertEquals("a", index.servicesByClusterIp("10.0.0.1").get(0).name());
        assertEquals("a", index.servicesByClusterIp("fd00:0::1").get(0).name(), "IPv6 compared canonically");
        index.putService(svc("a", "10.0.0.2"));
        assertTrue(index.servicesByClusterIp("10.0.0.1").isEmpty());
        assertEquals(1, index.servicesByClusterIp("10.0.0.2").size());
        index.removeService("ns", "a");
        assertTrue(index.servicesByClusterIp("10.0.0.2").isEmpty());
        assertNull(index.service("ns", "a"));
    }

    @Test
    void servicesSharingAClusterIpAreFoundInTheOrderAdded() {
        ServiceInfo a = svc("a", "10.0.0.1");
        ServiceInfo b = svc("b", "10.0.0.1", "10.0.0.1");
        ServiceInfo c = svc("c", "not-an-ip");
        index.putService(a);
        index.putService(b);
        index.putService(c);
        assertEquals(List.of(a, b, b), index.servicesByClusterIp("10.0.0.1"), "an address listed twice: found twice");
        assertEquals(List.of(c), index.servicesByClusterIp("NOT-AN-IP"), "text that is no address, by its lower case");
        index.removeService("ns", "a");
        assertEquals(List.of(b, b), index.servicesByClusterIp("10.0.0.1"));
        index.removeService("ns", "b");
        assertTrue(index.servicesByClusterIp("10.0.0.1").isEmpty());
    }

    @Test
    void slicesByIpFindCompactAndTextAddressesByAnySpelling() {
        SliceInfo v4 = slice("v4", "a", "10.244.0.7", "10.244.0.8");
        index.putSlice(null, v4);
        index.putSlice(null, slice("v6", "b", "fd00::7"));
        assertEquals("v4", index.slicesByIp("10.244.0.7").get(0).name());
        assertEquals("v4", index.slicesByIp("10.244.0.8").get(0).name());
        assertTrue(index.slicesByIp("10.244.0.9").isEmpty());
        assertEquals("v6", index.slicesByIp("FD00:0::7").get(0).name(), "IPv6 compared canonically");
        index.removeSlice(v4);
        assertTrue(index.slicesByIp("10.244.0.7").isEmpty());
        assertEquals(ClusterIndex.addressKey("10.244.0.7"), ClusterIndex.addressKey(new Endpoint("10.244.0.7", "", "", "", "")));
        assertEquals(ClusterIndex.addressKey("fd00:0::7"), ClusterIndex.addressKey(new Endpoint("fd00::7", "", "", "", "")));
    }

    @Test
    void slicesGroupByServiceAndIndexTheirIps() {
        SliceInfo a1 = slice("a-1", "a", "172.0.0.1");
        SliceInfo a2 = slice("a-2", "a", "172.0.0.2", "172.0.0.1");
        index.putSlice(null, a1);
        index.putSlice(null, a2);
        assertEquals(2, index.slicesOf("ns", "a").size());
        assertEquals(2, index.slicesByIp("172.0.0.1").size());
        SliceInfo a2moved = slice("a-2", "a", "172.0.0.3");
        index.putSlice(a2, a2moved);
        assertEquals(1, index.slicesByIp("172.0.0.1").size(), "the endpoint that moved is no longer found");
        assertTrue(index.slicesByIp("172.0.0.2").isEmpty());
        assertEquals(List.of(a2moved), index.slicesByIp("172.0.0.3"));
        assertEquals(List.of(a1, a2moved), index.slicesOf("ns", "a"));
        SliceInfo a2other = slice("a-2", "b", "172.0.0.3");
        index.putSlice(a2moved, a2other);
        assertEquals(1, index.slicesOf("ns", "a").size(), "a slice that moves to another service leaves the old one");
        assertEquals(1, index.slicesOf("ns", "b").size());
        index.removeSlice(a1);
        index.removeSlice(a2other);
        assertTrue(index.slicesOf("ns", "a").isEmpty());
        assertTrue(index.slicesOf("ns", "b").isEmpty());
        assertTrue(index.slicesByIp("172.0.0.3").isEmpty());
        assertEquals("0 services, 0 endpointslices, 0 pods, 0 namespaces", index.summary());
    }

    @Test
    void aPreviousValueOfAnotherObjectIsRefused() {
        SliceInfo a1 = slice("a-1", "a", "172.0.0.1");
        index.putSlice(null, a1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> index.putSlice(a1, slice("a-2", "a", "172.0.0.2")));
        assertTrue(e.getMessage().contains("ns/a-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> index.putPod(new PodInfo("ns", "p", "10.240.0.1", null),
                new PodInfo("other", "p", "10.240.0.1", null)));
        assertEquals(List.of(a1), index.slicesByIp("172.0.0.1"), "nothing changed");
    }

    @Test
    void removingNothingChangesNothing() {
        index.removeSlice(null);
        index.removePod(null);
        assertEquals(1000, index.modified());
        assertEquals("0 services, 0 endpointslices, 0 pods, 0 namespaces", index.summary());
    }

    @Test
    void podsByIp() {
        PodInfo p1 = new PodInfo("ns", "p", "10.240.0.1", null);
        index.putPod(null, p1);
        assertEquals(1, index.podsByIp("10.240.0.1").size());
        PodInfo p2 = new PodInfo("ns", "p", "10.240.0.2", null);
        index.putPod(p1, p2);
        assertTrue(index.podsByIp("10.240.0.1").isEmpty());
        assertEquals(List.of(p2), index.podsByIp("10.240.0.2"));
        assertEquals("0 services, 0 endpointslices, 1 pods, 0 namespaces", index.summary());
        index.removePod(p2);
        assertTrue(index.podsByIp("10.240.0.2").isEmpty());
        assertEquals("0 services, 0 endpointslices, 0 pods, 0 namespaces", index.summary());
    }

    @Test
    void modifiedMovesOnlyOnDnsRelevantChanges() {
        index.putService(svc("a", "10.0.0.1"));
        now.set(2000);
        index.putService(svc("a", "10.0.0.1"));
        assertEquals(1000, index.modified(), "an update without DNS-relevant change keeps the serial");
        SliceInfo first = slice("s", "a", "172.0.0.1");
        index.putSlice(null, first);
        assertEquals(2000, index.modified());
        now.set(3000);
        index.putSlice(first, new SliceInfo("ns", "s", "a", List.of(new Endpoint("172.0.0.1", "", "", "", "")),
                List.of(new Port("http", "TCP", 8080)), 12345));
        assertEquals(2000, index.modified(), "annotation-only change");
        index.putNamespace("ns");
        assertEquals(3000, index.modified());
    }

    @Test
    void ipKeyOfACanonicalAddressIsThatString() {
        String ip = new String("10.1.2.3");
        assertSame(ip, ClusterIndex.ipKey(ip), "the reverse index shares the entry's string");
        assertEquals("fd00::1", ClusterIndex.ipKey("FD00:0::1"));
        assertEquals("not-an-ip", ClusterIndex.ipKey("Not-An-IP"));
    }

    @Test
    void puttingTheHeldEntryAgainChangesNothing() {
        SliceInfo slice = slice("a-1", "a", "172.0.0.1");
        index.putSlice(null, slice);
        now.set(2000);
        index.putSlice(slice, slice);
        assertEquals(List.of(slice), index.slicesOf("ns", "a"));
        assertEquals(List.of(slice), index.slicesByIp("172.0.0.1"));
        assertEquals(1000, index.modified());
        ServiceInfo svc = svc("a", "10.0.0.1");
        index.putService(svc);
        index.putService(svc);
        assertEquals(1, index.servicesByClusterIp("10.0.0.1").size());
        PodInfo pod = new PodInfo("ns", "p", "10.240.0.1", null);
        index.putPod(null, pod);
        index.putPod(pod, pod);
        assertEquals(List.of(pod), index.podsByIp("10.240.0.1"));
    }
}
