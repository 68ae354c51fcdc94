package kdns.plugin.multicluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import java.util.List;
import kdns.api.zones.Fallthrough;
import kdns.plugin.kubernetes.spi.Port;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * ServiceImports and exported EndpointSlices with values no valid object has: ports outside
 * 1..65535 or not whole numbers, IPs that are not IPs, host names that are no DNS label, null
 * list items. The bad parts are dropped at conversion; every answer renders; the rest serves.
 */
class McsHostileObjectsTest {

    private static JsonObject json(String s) {
        return JsonParser.parseString(s).getAsJsonObject();
    }

    @Test
    void badPortsAndIpsOfAServiceImportAreDropped() {
        ServiceImportInfo si = McsConvert.serviceImport(json("{\"metadata\":{\"name\":\"api\",\"namespace\":\"db\"},"
                + "\"spec\":{\"type\":\"ClusterSetIP\",\"ips\":[\"10.96.50.1\",\"10.96.50\",\"x\"],\"ports\":["
                + "{\"name\":\"a\",\"port\":-10},{\"name\":\"b\",\"port\":70000},{\"name\":\"c\",\"port\":1e30},"
                + "{\"name\":\"d\",\"port\":8.5},{\"name\":\"http\",\"protocol\":\"TCP\",\"port\":80},null,7]}}"));
        assertEquals(List.of("10.96.50.1"), si.ips());
        assertEquals(List.of(new Port("http", "TCP", 80)), si.ports());
    }

    @Test
    void badEndpointsOfAnExportedSliceAreDropped() {
        V1EndpointSlice s = JSON.deserialize("{\"addressType\":\"IPv4\",\"metadata\":{\"name\":\"web-a\",\"namespace\":\"db\","
                + "\"labels\":{\"multicluster.kubernetes.io/service-name\":\"web\",\"multicluster.kubernetes.io/source-cluster\":\"a\"}},"
                + "\"endpoints\":[{\"addresses\":[\"10.1.0.10\",\"bad\"],\"hostname\":\"" + "h".repeat(64) + "\"},"
                + "{\"addresses\":[\"10.1.0.11\"],\"hostname\":\"web-1\"}],"
                + "\"ports\":[{\"name\":\"http\",\"port\":-1},{\"name\":\"alt\",\"port\":8080}]}", V1EndpointSlice.class);
        McsSlice slice = McsConvert.slice(s);
        assertEquals(List.of(new McsEndpoint("10.1.0.10", "", null), new McsEndpoint("10.1.0.11", "web-1", null)),
                slice.endpoints());
        assertEquals(List.of(new Port("alt", "TCP", 8080)), slice.ports());
        assertEquals(null, McsConvert.slice(null));
    }

    @Test
    void everyAnswerRendersAndTheRestServes() {
        McsIndex idx = new McsIndex(() -> 1);
        idx.putNamespace("db");
        idx.putImport(McsConvert.serviceImport(json("{\"metadata\":{\"name\":\"api\",\"namespace\":\"db\"},"
                + "\"spec\":{\"type\":\"ClusterSetIP\",\"ips\":[\"10.96.50.1\",\"nope\"],\"ports\":[{\"name\":\"http\","
                + "\"protocol\":\"TCP\",\"port\":80},{\"name\":\"bad\",\"port\":-10}]}}")));
        idx.putImport(McsConvert.serviceImport(json("{\"metadata\":{\"name\":\"web\",\"namespace\":\"db\"},"
                + "\"spec\":{\"type\":\"Headless\",\"ports\":[{\"name\":\"alt\",\"port\":8080},{\"name\":\"x\",\"port\":65536}]}}")));
        idx.putSlice(McsConvert.slice(JSON.deserialize("{\"addressType\":\"IPv4\",\"metadata\":{\"name\":\"web-a\","
                + "\"namespace\":\"db\",\"labels\":{\"multicluster.kubernetes.io/service-name\":\"web\","
                + "\"multicluster.kubernetes.io/source-cluster\":\"a\"}},\"endpoints\":[{\"addresses\":[\"10.1.0.10\","
                + "\"bad\"],\"hostname\":\"" + "h".repeat(64) + "\"}],\"ports\":[{\"name\":\"alt\",\"port\":8080},"
                + "{\"name\":\"x\",\"port\":-3}]}", V1EndpointSlice.class)));
        McsAnswerer a = new McsAnswerer(new McsOptions(List.of("clusterset.local."), 5, Fallthrough.NONE, false, false,
                false, false), idx, () -> true);
        for (String name : List.of("api.db.svc.clusterset.local.", "_http._tcp.api.db.svc.clusterset.local.",
                "_bad._tcp.api.db.svc.clusterset.local.", "web.db.svc.clusterset.local.",
                "_alt._tcp.web.db.svc.clusterset.local.", "10-1-0-10.a.web.db.svc.clusterset.local.", "clusterset.local.")) {
            for (int type : new int[] {Type.A, Type.AAAA, Type.SRV, Type.TXT, Type.NS, Type.SOA, Type.PTR}) {
                a.answer(TestRequests.query(name, type)).toWire(65535);
            }
        }
        assertEquals(List.of("10.96.50.1"), rdata(a.answer(TestRequests.query("api.db.svc.clusterset.local.", Type.A))));
        List<String> srv = rdata(a.answer(TestRequests.query("api.db.svc.clusterset.local.", Type.SRV)));
        assertEquals(1, srv.size(), srv.toString());
        assertTrue(srv.get(0).contains(" 80 "), srv.toString());
        assertEquals(List.of("10.1.0.10"), rdata(a.answer(TestRequests.query("web.db.svc.clusterset.local.", Type.A))));
    }

    private static List<String> rdata(Message m) {
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
    }
}
