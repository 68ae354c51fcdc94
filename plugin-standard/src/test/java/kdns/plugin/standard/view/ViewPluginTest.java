package kdns.plugin.standard.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.function.Predicate;
import kdns.api.PluginException;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

class ViewPluginTest {

    private static TestController setUp(String corefile) throws PluginException {
        TestController c = TestController.of(corefile);
        new ViewPlugin().setup(c);
        return c;
    }

    private static Predicate<Request> filter(String corefile) throws PluginException {
        return setUp(corefile).viewFilter();
    }

    private static Request from(String client, String name, int type) {
        Message m = TestRequests.message(name, type, DClass.IN);
        return new Request(m, Transport.UDP, new InetSocketAddress(client, 40000),
                new InetSocketAddress("127.0.0.1", 53), ".");
    }

    @Test
    void setsTheViewNameAndFilterAndAddsNoHandler() throws Exception {
        TestController c = setUp("view example1 {\n expr incidr(client_ip(), '127.0.0.0/24')\n}");
        assertEquals("example1", c.viewName());
        assertTrue(c.viewFilter().test(from("127.0.0.1", "test.", Type.A)));
        assertFalse(c.viewFilter().test(from("192.168.1.1", "test.", Type.A)));
        assertThrows(IllegalStateException.class, () -> c.handler(null), "the server routes; no handler");
    }

    @Test
    void everyExprMustBeTrue() throws Exception {
        Predicate<Request> f = filter("view v {\n expr type() == 'A'\n expr name() matches '^one\\\\..*'\n}");
        assertTrue(f.test(from("127.0.0.1", "one.test.", Type.A)));
        assertFalse(f.test(from("127.0.0.1", "two.test.", Type.A)));
        assertFalse(f.test(from("127.0.0.1", "one.test.", Type.AAAA)));
    }

    @Test
    void theCoreDnsReadmeExpressions() throws Exception {
        Predicate<Request> types = filter("view example {\n expr type() in ['A', 'AAAA']\n}");
        assertTrue(types.test(from("127.0.0.1", "x.", Type.AAAA)));
        assertFalse(types.test(from("127.0.0.1", "x.", Type.MX)));
        Predicate<Request> names = filter("view example {\n expr name() matches '^abc\\\\..*\\\\.example\\\\.com\\\\.$'\n}");
        assertTrue(names.test(from("127.0.0.1", "abc.d.e.example.com.", Type.A)));
        assertFalse(names.test(from("127.0.0.1", "abcd.example.com.", Type.A)));
        Predicate<Request> either = filter("view x {\n expr (type() == 'A' && name() == 'example.com.') "
                + "|| client_ip() == '1.2.3.4'\n}");
        assertTrue(either.test(from("127.0.0.1", "example.com.", Type.A)));
        assertTrue(either.test(from("1.2.3.4", "other.", Type.TXT)));
        assertFalse(either.test(from("127.0.0.1", "other.", Type.A)));
        Predicate<Request> v6 = filter("view v6 {\n expr incidr(client_ip(), '2001:0DB8::/32')\n}");
        assertTrue(v6.test(from("2001:db8::1", "test.", Type.A)));
        assertFalse(v6.test(from("127.0.0.1", "test.", Type.A)));
    }

    @Test
    void metadataIsReadFromTheRequest() throws Exception {
        Predicate<Request> f = filter("view meta {\n expr metadata('view/name') == 'meta'\n}");
        Request r = from("127.0.0.1", "test.", Type.A);
        assertFalse(f.test(r), "no metadata: empty");
        r.setMetadata("view/name", () -> "meta");
        assertTrue(f.test(r));
    }

    @Test
    void aFailingOrNonBooleanExpressionIsFalseNotAnError() throws Exception {
        assertFalse(filter("view v {\n expr incidr(name(), '10.0.0.0/8')\n}").test(from("127.0.0.1", "x.", Type.A)),
                "incidr of something that is not an address");
        assertFalse(filter("view v {\n expr name()\n}").test(from("127.0.0.1", "x.", Type.A)), "a string");
        assertTrue(filter("view v").test(from("127.0.0.1", "x.", Type.A)), "a view without expressions takes all");
    }

    @Test
    void errorsSayWhatToFix() {
        assertEquals("Wrong argument count or unexpected line ending after 'view'",
                message(assertThrows(PluginException.class, () -> setUp("view"))));
        assertThrows(PluginException.class, () -> setUp("view a b"));
        assertTrue(message(assertThrows(PluginException.class, () -> setUp("view v {\n foo bar\n}")))
                .contains("unknown property 'foo'"));
        String unknown = message(assertThrows(PluginException.class,
                () -> setUp("view v {\n expr nosuch() == 'A'\n}")));
        assertTrue(unknown.contains("nosuch"), unknown);
        assertTrue(message(assertThrows(PluginException.class, () -> setUp("view v {\n expr (type() == 'A'\n}")))
                .contains("expr (type() == 'A'"));
        assertTrue(message(assertThrows(PluginException.class, () -> setUp("view v {\n expr\n}")))
                .contains("Wrong argument count"));
        assertTrue(message(assertThrows(PluginException.class, () -> setUp("view a\nview b")))
                .contains("only be used once per Server Block"));
    }

    private static String message(Exception e) {
        String m = e.getMessage();
        int at = m.indexOf(" - Error during parsing: ");
        return at < 0 ? m : m.substring(at + " - Error during parsing: ".length());
    }
}
