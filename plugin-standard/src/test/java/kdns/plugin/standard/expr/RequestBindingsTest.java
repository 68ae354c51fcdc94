package kdns.plugin.standard.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** CoreDNS's query functions (expression.DefaultEnv) and the examples of CoreDNS's view and template READMEs. */
class RequestBindingsTest {

    /** A UDP query from 10.240.0.1:40212 to 127.0.0.1:53. */
    private static final Request QUERY = TestRequests.query("Example.COM.", Type.A);

    private static Object eval(String src, Request r) throws ExpressionException {
        return Expression.parse(src, RequestBindings.NAMES).evaluate(RequestBindings.of(r));
    }

    private static boolean test(String src, Request r) throws ExpressionException {
        return Expression.parse(src, RequestBindings.NAMES).test(RequestBindings.of(r));
    }

    private static Request v6(Transport t) {
        Message m = TestRequests.message("www.example.org.", Type.AAAA, DClass.IN);
        m.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        return new Request(m, t, new InetSocketAddress("2001:db8:0:0:0:0:0:7", 5353),
                new InetSocketAddress("0:0:0:0:0:0:0:1", 1053), ".");
    }

    @Test
    void theQueryFunctions() throws Exception {
        assertEquals(RequestBindings.NAMES, RequestBindings.of(QUERY).keySet());
        assertEquals("A", eval("type()", QUERY));
        assertEquals("example.com.", eval("name()", QUERY));
        assertEquals("IN", eval("class()", QUERY));
        assertEquals("CH", eval("class()", TestRequests.query("version.bind.", Type.TXT, DClass.CH)));
        assertEquals("udp", eval("proto()", QUERY));
        assertEquals("tcp", eval("proto()", TestRequests.tcp("a.", Type.A)));
        assertEquals((long) QUERY.message().toWire().length, eval("size()", QUERY));
        assertEquals(29L, eval("size()", QUERY), "12 header + 13 name + 4 type and class");
        assertEquals("10.240.0.1", eval("client_ip()", QUERY));
        assertEquals("40212", eval("port()", QUERY));
        assertEquals((long) QUERY.id(), eval("id()", QUERY));
        assertEquals((long) Opcode.QUERY, eval("opcode()", QUERY));
        assertEquals(false, eval("do()", QUERY));
        assertEquals(512L, eval("bufsize()", QUERY));
        assertEquals("127.0.0.1", eval("server_ip()", QUERY));
        assertEquals("53", eval("server_port()", QUERY));

        Request v6 = v6(Transport.UDP);
        assertEquals("AAAA", eval("type()", v6));
        assertEquals("2001:db8::7", eval("client_ip()", v6), "Go's text: compressed, no brackets");
        assertEquals("5353", eval("port()", v6));
        assertEquals("::1", eval("server_ip()", v6));
        assertEquals("1053", eval("server_port()", v6));
        assertEquals(true, eval("do()", v6));
        assertEquals(1232L, eval("bufsize()", v6));
        assertEquals(65535L, eval("bufsize()", v6(Transport.TCP)));
        assertEquals((long) v6.message().toWire().length, eval("size()", v6));
    }

    @Test
    void incidr() throws Exception {
        Object[][] cases = {
            {"1.2.3.4", "1.2.0.0/16", true},
            {"10.2.3.4", "1.2.0.0/16", false},
            {"1:2::3:4", "1:2::/64", true},
            {"A:2::3:4", "1:2::/64", false},
            {"10.0.0.1", "10.0.0.0/8", true},
            {"192.168.1.1", "192.168.0.0/16", true},
            {"172.32.0.1", "172.16.0.0/12", false},
            {"::ffff:10.1.2.3", "10.0.0.0/8", true},
            {"10.1.2.3", "::ffff:10.0.0.0/104", true},
            {"10.1.2.3", "2001:db8::/32", false},
            {"2001:db8::1", "10.0.0.0/8", false},
            {"10.1.2.3", "0.0.0.0/0", true},
        };
        for (Object[] c : cases) {
            assertEquals(c[2], eval("incidr('" + c[0] + "', '" + c[1] + "')", QUERY), c[0] + " in " + c[1]);
        }
        ExpressionException e = assertThrows(ExpressionException.class,
                () -> eval("incidr('1.2.3.4', 'invalid')", QUERY));
        assertEquals("incidr: invalid CIDR address: invalid at column 1 of \"incidr('1.2.3.4', 'invalid')\"",
                e.getMessage());
        e = assertThrows(ExpressionException.class, () -> eval("incidr('invalid', '1.2.0.0/16')", QUERY));
        assertTrue(e.getMessage().startsWith("incidr: first argument is not an IP address: \"invalid\""),
                e.getMessage());
        e = assertThrows(ExpressionException.class, () -> eval("incidr('1.2.3.4')", QUERY));
        assertTrue(e.getMessage().startsWith("incidr: incidr() takes 2 string arguments, got 1 arguments"),
                e.getMessage());
        e = assertThrows(ExpressionException.class, () -> eval("incidr(1, '1.2.0.0/16')", QUERY));
        assertTrue(e.getMessage().startsWith("incidr: argument 1 must be a string, got int"), e.getMessage());
        e = assertThrows(ExpressionException.class, () -> eval("name(1)", QUERY));
        assertTrue(e.getMessage().startsWith("name: name() takes no arguments, got 1"), e.getMessage());
    }

    @Test
    void metadataIsReadOnlyWhenAskedFor() throws Exception {
        Request r = TestRequests.query("a.example.", Type.A);
        AtomicInteger reads = new AtomicInteger();
        r.setMetadata("view/name", () -> {
            reads.incrementAndGet();
            return "x";
        });
        Map<String, Object> b = RequestBindings.of(r);
        assertTrue(Expression.parse("type() == 'A'", RequestBindings.NAMES).test(b));
        assertEquals(0, reads.get(), "binding and other functions read no metadata");
        assertTrue(Expression.parse("metadata('view/name') == 'x'", RequestBindings.NAMES).test(b));
        assertEquals(1, reads.get());
        assertEquals("", eval("metadata('test/nonexistent')", r));
        assertEquals("", eval("metadata('view/name')", QUERY), "no metadata at all");
    }

    @Test
    void bindingsCanBeAddedTo() throws Exception {
        Map<String, Object> b = RequestBindings.of(QUERY);
        b.put("zone", "example.com.");
        assertTrue(Expression.parse("name() == zone", Set.of("name", "zone")).test(b));
    }

    /** The examples of CoreDNS's view README. */
    @Test
    void viewExamples() throws Exception {
        Request local = TestRequests.from(TestRequests.message("test.", Type.A, DClass.IN), Transport.UDP,
                new InetSocketAddress("127.0.0.5", 4000));
        assertTrue(test("incidr(client_ip(), '127.0.0.0/24')", local));
        assertFalse(test("incidr(client_ip(), '127.0.0.0/24')", QUERY));
        assertFalse(test("incidr(client_ip(), '192.168.0.0/16')", local));
        assertTrue(test("incidr(client_ip(), '2001:0DB8::/32')", v6(Transport.UDP)));
        assertTrue(test("type() in ['A', 'AAAA']", QUERY));
        assertTrue(test("type() in ['A', 'AAAA']", v6(Transport.UDP)));
        assertFalse(test("type() in ['A', 'AAAA']", TestRequests.query("example.com.", Type.MX)));
        assertTrue(test("type() == 'A'", QUERY));
        String split = "name() matches '^abc\\\\..*\\\\.example\\\\.com\\\\.$'";
        assertTrue(test(split, TestRequests.query("abc.x.y.example.com.", Type.A)));
        assertFalse(test(split, TestRequests.query("abc.example.com.", Type.A)));
        assertFalse(test(split, TestRequests.query("xabc.y.example.com.", Type.A)));
        String oneSplit = "name() matches '^one\\\\..*\\\\.split-name\\\\.$'";
        assertTrue(test(oneSplit, TestRequests.query("one.a.split-name.", Type.A)));
        assertFalse(test(oneSplit, TestRequests.query("two.a.split-name.", Type.A)));
        String either = "(type() == 'A' && name() == 'example.com.') || client_ip() == '1.2.3.4'";
        assertTrue(test(either, QUERY));
        assertFalse(test(either, TestRequests.query("example.com.", Type.TXT)));
        assertTrue(test(either, TestRequests.from(TestRequests.message("x.", Type.TXT, DClass.IN), Transport.UDP,
                new InetSocketAddress("1.2.3.4", 53))));
        Request named = TestRequests.query("a.example.", Type.A);
        named.setMetadata("view/name", () -> "x");
        assertTrue(test("metadata('view/name') == 'x'", named));
        assertFalse(test("metadata('view/name') == 'x'", QUERY));
    }

    /** The var and expr of CoreDNS's template README (LAN device addresses), with group() bound as template binds it. */
    @Test
    void templateExample() throws Exception {
        Set<String> names = new java.util.HashSet<>(RequestBindings.NAMES);
        names.add("group");
        Expression var = Expression.parse("replace(group('ip'), '-', '.')", names);
        names.add("ip");
        Expression cond = Expression.parse(
                "any(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'], incidr(ip, #))", names);
        for (Object[] c : new Object[][] {{"10-1-2-3", true}, {"8-8-8-8", false}, {"172-16-0-1", true},
                {"172-32-0-1", false}, {"169-254-9-9", true}, {"192-168-255-255", true}}) {
            Map<String, Object> b = RequestBindings.of(QUERY);
            String group = (String) c[0];
            b.put("group", (ExprFunction) args -> args.get(0).equals("ip") ? group : "");
            Object ip = var.evaluate(b);
            assertEquals(group.replace('-', '.'), ip);
            b.put("ip", ip);
            assertEquals(c[1], cond.test(b), group);
        }
        Map<String, Object> b = RequestBindings.of(QUERY);
        b.put("group", (ExprFunction) args -> "999-1-1-1");
        b.put("ip", var.evaluate(b));
        ExpressionException e = assertThrows(ExpressionException.class, () -> cond.test(b));
        assertTrue(e.getMessage().startsWith("incidr: first argument is not an IP address: \"999.1.1.1\" at column 74"),
                e.getMessage());
    }
}
