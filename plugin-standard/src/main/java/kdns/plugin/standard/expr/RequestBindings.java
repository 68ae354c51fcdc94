package kdns.plugin.standard.expr;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kdns.api.Request;
import kdns.api.text.GoStrings;
import kdns.api.text.IpLiterals;
import kdns.plugin.standard.golang.Subnet;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/**
 * The functions CoreDNS gives every expression about the query ({@code expression.DefaultEnv}):
 * {@code incidr(ip, cidr)}, {@code metadata(label)}, {@code type()}, {@code name()}, {@code class()},
 * {@code proto()}, {@code size()}, {@code client_ip()}, {@code port()}, {@code id()},
 * {@code opcode()}, {@code do()}, {@code bufsize()}, {@code server_ip()} and {@code server_port()}.
 * Each works its value out only when called.
 */
public final class RequestBindings {

    /** The names {@link #of} binds. */
    public static final Set<String> NAMES = Set.of("incidr", "metadata", "type", "name", "class", "proto", "size",
            "client_ip", "port", "id", "opcode", "do", "bufsize", "server_ip", "server_port");

    private RequestBindings() {
    }

    /** The functions about {@code request}, in a new map the caller may add its own bindings to. */
    public static Map<String, Object> of(Request request) {
        Map<String, Object> m = new HashMap<>(32);
        m.put("incidr", (ExprFunction) RequestBindings::incidr);
        m.put("metadata", (ExprFunction) args -> {
            String label = string("metadata", args, 0, 1);
            String v = request.metadata(label);
            return v == null ? "" : v;
        });
        m.put("type", none("type", () -> Type.string(request.qtype())));
        m.put("name", none("name", request::name));
        m.put("class", none("class", () -> DClass.string(request.qclass())));
        m.put("proto", none("proto", request::proto));
        m.put("size", none("size", () -> (long) request.message().toWire().length));
        m.put("client_ip", none("client_ip", () -> ip(request.remoteAddress())));
        m.put("port", none("port", () -> port(request.remoteAddress())));
        m.put("id", none("id", () -> (long) request.id()));
        m.put("opcode", none("opcode", () -> (long) request.opcode()));
        m.put("do", none("do", request::dnssecOk));
        m.put("bufsize", none("bufsize", () -> (long) request.size()));
        m.put("server_ip", none("server_ip", () -> ip(request.localAddress())));
        m.put("server_port", none("server_port", () -> port(request.localAddress())));
        return m;
    }

    /** A value of the query, worked out when called. */
    @FunctionalInterface
    private interface Value {
        Object get();
    }

    private static ExprFunction none(String name, Value v) {
        return args -> {
            if (!args.isEmpty()) {
                throw new ExpressionException(name + "() takes no arguments, got " + args.size());
            }
            return v.get();
        };
    }

    private static String string(String fn, List<Object> args, int i, int count) throws ExpressionException {
        if (args.size() != count) {
            throw new ExpressionException(fn + "() takes " + count + " string argument" + (count == 1 ? "" : "s")
                    + ", got " + args.size() + " arguments");
        }
        if (!(args.get(i) instanceof String s)) {
            throw new ExpressionException("argument " + (i + 1) + " must be a string, got "
                    + ExprValues.typeName(args.get(i)));
        }
        return s;
    }

    /** Go's {@code net.IPNet.Contains} after {@code net.ParseIP} and {@code net.ParseCIDR}. */
    static Object incidr(List<Object> args) throws ExpressionException {
        String ipText = string("incidr", args, 0, 2);
        String cidrText = string("incidr", args, 1, 2);
        byte[] ip = IpLiterals.parse(ipText);
        if (ip == null) {
            throw new ExpressionException("first argument is not an IP address: " + GoStrings.quote(ipText));
        }
        Subnet net;
        try {
            net = Subnet.parse(cidrText);
        } catch (IllegalArgumentException e) {
            throw new ExpressionException(e.getMessage());
        }
        return v4(net).contains(v4(ip));
    }

    /** An IPv4-mapped IPv6 address as its 4 bytes, as Go compares them. */
    private static byte[] v4(byte[] ip) {
        if (ip.length == 16 && mapped(ip)) {
            return Arrays.copyOfRange(ip, 12, 16);
        }
        return ip;
    }

    /** An IPv4-mapped IPv6 network as an IPv4 one (its first 96 bits of mask dropped), as Go does. */
    private static Subnet v4(Subnet net) {
        if (net.network().length == 16 && mapped(net.network())) {
            return new Subnet(Arrays.copyOfRange(net.network(), 12, 16), Math.max(0, net.bits() - 96));
        }
        return net;
    }

    private static boolean mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    /** The address as Go writes it ({@code ::1}, not {@code 0:0:0:0:0:0:0:1}), without brackets or port. */
    private static String ip(InetSocketAddress a) {
        if (a == null) {
            return "";
        }
        InetAddress addr = a.getAddress();
        return addr == null ? a.getHostString() : IpLiterals.format(addr);
    }

    private static String port(InetSocketAddress a) {
        return a == null ? "0" : Integer.toString(a.getPort());
    }
}
