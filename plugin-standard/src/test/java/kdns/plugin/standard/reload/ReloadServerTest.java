package kdns.plugin.standard.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import kdns.host.runtime.DnsServer;
import kdns.host.runtime.EmbeddedServer;
import kdns.host.server.TcpListener;
import kdns.testing.DnsClient;
import kdns.testing.TestPluginCfg;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** A real server whose Corefile text changes: the reload plugin notices and the answer changes. */
class ReloadServerTest {

    private static String version(InetSocketAddress a) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromConstantString("version.bind."), Type.TXT, DClass.CH));
        Message r = DnsClient.udp(a, q);
        var answers = r.getSection(Section.ANSWER);
        return answers.isEmpty() ? "" : ((TXTRecord) answers.get(0)).getStrings().get(0);
    }

    @Test
    void aChangedCorefileIsReloaded() throws Exception {
        AtomicReference<String> text = new AtomicReference<>(".:0 {\n    reload 2s 1s\n    chaos first\n}\n");
        ClassLoader loader = ReloadServerTest.class.getClassLoader();
        try (EmbeddedServer s = EmbeddedServer.start(text::get, Path.of("."), TestPluginCfg.forClassPath(loader),
                loader, new DnsServer.Options(2, TcpListener.Limits.DEFAULT), Map.of())) {
            InetSocketAddress a = s.address();
            assertEquals("first", version(a));
            text.set(".:0 {\n    reload 2s 1s\n    chaos second\n}\n");
            String seen = "first";
            long end = System.nanoTime() + 15_000_000_000L;
            while (!seen.equals("second") && System.nanoTime() < end) {
                Thread.sleep(100);
                seen = version(a);
            }
            assertEquals("second", seen, "the reload plugin reloaded the changed Corefile");
            // The new instance's own check goes on: a second change is picked up as well.
            text.set(".:0 {\n    reload 2s 1s\n    chaos third\n}\n");
            end = System.nanoTime() + 15_000_000_000L;
            while (!seen.equals("third") && System.nanoTime() < end) {
                Thread.sleep(100);
                seen = version(a);
            }
            assertEquals("third", seen);
            String failures = s.metrics().counter(ReloadMetrics.FAILED,
                    "Counter of the number of failed reload attempts.").get() + "";
            assertEquals("0.0", failures);
            assertTrue(s.reloads().runningHash().equals(s.reloads().hashOnDisk()));
        }
    }
}
