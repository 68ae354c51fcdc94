package kdns.plugin.kubernetes.autopath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Rcodes;
import kdns.api.Transport;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

class AutopathSetupTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("10.0.0.7", 40000);

    @TempDir
    Path dir;

    @Test
    void pluginNameAfterAt() throws Exception {
        AutopathPlugin.Config c = AutopathPlugin.parse(TestController.of("autopath @kubernetes",
                List.of("cluster.local")));
        assertEquals("kubernetes", c.plugin());
        assertEquals(List.of("cluster.local."), c.zones());
        assertEquals(List.of(), c.fileSearch());
    }

    @Test
    void zonesBeforeTheResolvConfAndCidrs() throws Exception {
        AutopathPlugin.Config c = AutopathPlugin.parse(TestController.of("autopath Example.ORG 10.0.0.0/24 @kubernetes"));
        assertEquals(List.of("example.org.", "0.0.10.in-addr.arpa."), c.zones());
    }

    @Test
    void resolvConfSearchWithSentinel() throws Exception {
        Path rc = dir.resolve("resolv.conf");
        Files.writeString(rc, "# comment\nnameserver 10.0.0.10\ndomain old.example\nsearch a.example B.example.\n"
                + "options ndots:5\n");
        AutopathPlugin.Config c = AutopathPlugin.parse(TestController.of("autopath " + rc));
        assertNull(c.plugin());
        assertEquals(List.of("a.example.", "b.example.", ""), c.fileSearch());
        assertEquals(List.of("."), c.zones());
    }

    @Test
    void lastSearchOrDomainLineWins() {
        assertEquals(List.of("x.example."), ResolvConfSearch.parse(List.of("search a.example b.example",
                "domain x.example")));
        assertEquals(List.of("a.example."), ResolvConfSearch.parse(List.of("domain x.example", "; c",
                "search a.example")));
        assertEquals(List.of(), ResolvConfSearch.parse(List.of("nameserver 1.1.1.1")));
    }

    @Test
    void errorsNameWhatToFix() {
        PluginException none = assertThrows(PluginException.class,
                () -> AutopathPlugin.parse(TestController.of("autopath")));
        assertEquals("Corefile:1 - Error during parsing: plugin/autopath: no resolv-conf specified", none.getMessage());
        PluginException missing = assertThrows(PluginException.class,
                () -> AutopathPlugin.parse(TestController.of("autopath /nonexistent/resolv.conf")));
        assertTrue(missing.getMessage().contains("failed to parse \"/nonexistent/resolv.conf\""), missing.getMessage());
        PluginException at = assertThrows(PluginException.class,
                () -> AutopathPlugin.parse(TestController.of("autopath @")));
        assertTrue(at.getMessage().contains("must name a plugin"), at.getMessage());
        PluginException block = assertThrows(PluginException.class,
                () -> AutopathPlugin.parse(TestController.of("autopath @kubernetes {\n    pods verified\n}")));
        assertTrue(block.getMessage().contains("takes no block"), block.getMessage());
    }

    @Test
    void atPluginThatKnowsNoSearchPathsFailsAtStartup() throws Exception {
        TestController c = TestController.of("autopath @whoami");
        new AutopathPlugin().setup(c);
        Handler whoami = new Handler() {
            @Override
            public String name() {
                return "whoami";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                return 0;
            }
        };
        c.handler(whoami);
        c.instance().handlers(List.of(c.handler(whoami), whoami));
        Exception e = assertThrows(Exception.class, c::runStartup);
        assertTrue(String.valueOf(e.getMessage()).contains("whoami does not implement the AutoPather interface")
                || String.valueOf(e.getCause()).contains("whoami does not implement the AutoPather interface"),
                String.valueOf(e));
    }

    @Test
    void atPluginMissingFromTheBlockStartsAndPassesThrough() throws Exception {
        TestController c = TestController.of("autopath @kubernetes", List.of("cluster.local"));
        new AutopathPlugin().setup(c);
        List<String> asked = new ArrayList<>();
        Handler next = new Handler() {
            @Override
            public String name() {
                return "whoami";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                asked.add(request.name());
                return Rcodes.NOERROR;
            }
        };
        Handler autopath = c.handler(next);
        c.instance().handlers(List.of(autopath, next));
        c.runStartup();
        Request query = TestRequests.from(TestRequests.message("api.web.svc.cluster.local.", Type.A, DClass.IN),
                Transport.UDP, CLIENT);
        assertEquals(Rcodes.NOERROR, autopath.serve(query, new RecordingWriter(CLIENT)));
        // no search path walk: the name the client asked, once
        assertEquals(List.of("api.web.svc.cluster.local."), asked);
    }
}
