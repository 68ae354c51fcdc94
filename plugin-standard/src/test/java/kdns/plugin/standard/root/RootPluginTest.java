package kdns.plugin.standard.root;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.plugin.standard.file.FilePlugin;
import kdns.plugin.standard.hosts.HostsPlugin;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class RootPluginTest {

    @TempDir
    Path dir;

    @Test
    void relativeFileNamesOfFileAndHostsAreTakenFromTheRoot() throws Exception {
        Files.writeString(dir.resolve("db.example.org"), "$ORIGIN example.org.\n@ 60 IN SOA ns hostmaster 1 2 3 4 5\n"
                + "www 60 IN A 192.0.2.1\n");
        Files.writeString(dir.resolve("extra.hosts"), "192.0.2.7 host.example.org\n");
        TestController c = TestController.of("root " + dir);
        new RootPlugin().setup(c);
        assertEquals(dir.toString(), c.root());
        TestController file = TestController.of("file db.example.org example.org", List.of("example.org."));
        file.root(c.root());
        new FilePlugin().setup(file);
        RecordingWriter w = new RecordingWriter();
        file.handler(null).serve(TestRequests.query("www.example.org.", Type.A), w);
        assertEquals(1, w.msg().getSection(Section.ANSWER).size(), "the zone file was found under the root");

        TestController hosts = TestController.of("hosts extra.hosts example.org");
        hosts.root(dir.toString());
        new HostsPlugin().setup(hosts);
        hosts.runStartup();
        Handler h = hosts.handler(null);
        RecordingWriter hw = new RecordingWriter();
        h.serve(TestRequests.query("host.example.org.", Type.A), hw);
        assertEquals(1, hw.msg().getSection(Section.ANSWER).size(), "the hosts file was found under the root");
    }

    @Test
    void aMissingDirectoryIsOnlyAWarning() throws Exception {
        TestController c = TestController.of("root " + dir.resolve("later"));
        new RootPlugin().setup(c);
        assertEquals(dir.resolve("later").toString(), c.root());
    }

    @Test
    void needsAPath() {
        PluginException e = assertThrows(PluginException.class, () -> new RootPlugin().setup(TestController.of("root")));
        assertTrue(e.getMessage().contains("Wrong argument count"), e.getMessage());
    }
}
