package kdns.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import kdns.host.corefile.CorefileException;
import kdns.host.server.TcpListener;
import kdns.host.testplugins.LifecyclePlugin;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Reload: a new instance swapped in on the same sockets; a broken Corefile keeps the old one. */
class ReloadTest {

    private static Message ask(InetSocketAddress a, String name) throws IOException {
        byte[] q = Message.newQuery(Record.newRecord(Name.fromConstantString(name), Type.A, DClass.IN)).toWire();
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(3000);
            s.send(new DatagramPacket(q, q.length, a));
            byte[] buf = new byte[4096];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            return new Message(java.util.Arrays.copyOf(buf, p.getLength()));
        }
    }

    private static EmbeddedServer start(AtomicReference<String> text) throws Exception {
        return EmbeddedServer.start(text::get, Path.of("."), HostTestServers.CFG, ReloadTest.class.getClassLoader(),
                new DnsServer.Options(2, TcpListener.Limits.DEFAULT), Map.of());
    }

    @Test
    void reloadSwapsChainsKeepingTheSocket() throws Exception {
        AtomicReference<String> text = new AtomicReference<>(".:0 {\n    testanswer 1\n}\n");
        try (EmbeddedServer s = start(text)) {
            InetSocketAddress a = s.address();
            String before = s.reloads().runningHash();
            assertEquals(1, ask(a, "x.example.").getSection(Section.ANSWER).size());

            text.set("# only a comment changed\n.:0 {\n    testanswer 1\n}\n");
            assertEquals(before, s.reloads().hashOnDisk(), "comments do not change the hash");

            text.set(".:0 {\n    testanswer 3\n}\n");
            assertNotEquals(before, s.reloads().hashOnDisk());
            assertNull(s.reloads().reloadNow());
            assertEquals(a, s.address(), "same socket");
            assertEquals(3, ask(a, "x.example.").getSection(Section.ANSWER).size());
            assertEquals(s.reloads().hashOnDisk(), s.reloads().runningHash());
        }
    }

    @Test
    void brokenCorefileKeepsTheOldInstanceServing() throws Exception {
        AtomicReference<String> text = new AtomicReference<>(".:0 {\n    testanswer 2\n}\n");
        try (EmbeddedServer s = start(text)) {
            text.set(".:0 {\n    testanswer 2\n    nosuchplugin\n}\n");
            String error = s.reloads().reloadNow();
            assertTrue(error.contains("Unknown directive 'nosuchplugin'"), error);
            assertEquals(2, ask(s.address(), "x.example.").getSection(Section.ANSWER).size());
        }
    }

    @Test
    void newZonesAndAddressesAppearAndOldOnesGo() throws Exception {
        AtomicReference<String> text = new AtomicReference<>("example.org:0 {\n    testanswer 1\n}\n");
        try (EmbeddedServer s = start(text)) {
            InetSocketAddress a = s.address();
            assertEquals(Rcode.REFUSED, ask(a, "x.example.com.").getRcode());
            text.set("example.org:0 example.com:0 {\n    testanswer 1\n}\n");
            assertNull(s.reloads().reloadNow());
            assertEquals(Rcode.NOERROR, ask(a, "x.example.com.").getRcode());
        }
    }

    @Test
    void reloadThatCannotBindAbandonsTheNewInstance() throws Exception {
        AtomicReference<String> text = new AtomicReference<>(".:0 {\n    testanswer 1\n    testlifecycle bind-old\n}\n");
        try (EmbeddedServer s = start(text); ServerSocket taken = new ServerSocket(0)) {
            assertEquals(List.of("bind-old prepare", "bind-old startup"), LifecyclePlugin.events("bind-"));
            text.set(".:0 {\n    testanswer 2\n    testlifecycle bind-new\n}\n.:" + taken.getLocalPort()
                    + " {\n    testanswer 2\n    testlifecycle bind-extra\n}\n");
            String error = s.reloads().reloadNow();
            assertTrue(error != null && error.contains(String.valueOf(taken.getLocalPort())), error);
            // the new instance's prepare hooks ran before the bind, so its abandon hooks undo them;
            // it never started, so neither start-up nor shutdown hooks ran, and the old one serves on
            assertEquals(List.of("bind-old prepare", "bind-old startup", "bind-new prepare", "bind-extra prepare",
                    "bind-new abandon", "bind-extra abandon"), LifecyclePlugin.events("bind-"));
            assertEquals(1, ask(s.address(), "x.example.").getSection(Section.ANSWER).size());
        }
        assertEquals("bind-old shutdown", LifecyclePlugin.events("bind-").getLast());
    }

    @Test
    void reloadWhoseStartUpFailsShutsDownAndAbandonsTheNewInstance() throws Exception {
        AtomicReference<String> text = new AtomicReference<>(".:0 {\n    testanswer 1\n    testlifecycle fail-old\n}\n");
        try (EmbeddedServer s = start(text)) {
            text.set(".:0 {\n    testanswer 2\n    testlifecycle fail-new failstart\n}\n");
            String error = s.reloads().reloadNow();
            assertTrue(error != null && error.contains("fail-new refuses to start"), error);
            assertEquals(List.of("fail-old prepare", "fail-old startup", "fail-new prepare", "fail-new startup",
                    "fail-new shutdown", "fail-new abandon"), LifecyclePlugin.events("fail-"));
            assertEquals(1, ask(s.address(), "x.example.").getSection(Section.ANSWER).size());
        }
    }

    @Test
    void firstStartThatCannotBindAbandonsTheInstance() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            AtomicReference<String> text = new AtomicReference<>(".:" + taken.getLocalPort()
                    + " {\n    testlifecycle first-start\n}\n");
            assertThrows(CorefileException.class, () -> start(text).close());
        }
        assertEquals(List.of("first-start prepare", "first-start abandon"), LifecyclePlugin.events("first-"));
    }

    @Test
    void firstStartWhoseLaterSetupFailsAbandonsWhatWasSetUp() {
        // the second block's setup fails after the first's registered its hooks; no prepare hook ran
        AtomicReference<String> text = new AtomicReference<>(".:0 {\n    testlifecycle setup-first\n}\n"
                + "example.:0 {\n    testlifecycle setup-second bogus\n}\n");
        CorefileException e = assertThrows(CorefileException.class, () -> start(text).close());
        assertTrue(e.getMessage().contains("unknown argument 'bogus'"), e.getMessage());
        assertEquals(List.of("setup-first abandon"), LifecyclePlugin.events("setup-"));
    }

    @Test
    void reloadWhoseLaterSetupFailsAbandonsWhatWasSetUp() throws Exception {
        AtomicReference<String> text = new AtomicReference<>(".:0 {\n    testanswer 1\n    testlifecycle resetup-old\n}\n");
        try (EmbeddedServer s = start(text)) {
            text.set(".:0 {\n    testanswer 2\n    testlifecycle resetup-new\n}\n"
                    + "example.:0 {\n    testlifecycle resetup-bad bogus\n}\n");
            String error = s.reloads().reloadNow();
            assertTrue(error != null && error.contains("unknown argument 'bogus'"), error);
            assertEquals(List.of("resetup-old prepare", "resetup-old startup", "resetup-new abandon"),
                    LifecyclePlugin.events("resetup-"));
            assertEquals(1, ask(s.address(), "x.example.").getSection(Section.ANSWER).size(), "the old instance serves on");
        }
    }
}
