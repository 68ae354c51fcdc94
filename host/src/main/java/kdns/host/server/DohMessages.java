package kdns.host.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import kdns.api.ResponseType;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The HTTP side of DNS over HTTPS (RFC 8484) as CoreDNS does it ({@code plugin/pkg/doh} and
 * {@code core/dnsserver/server_https.go}): the query of a {@code GET} (the {@code dns} parameter,
 * base64url without padding) or of a {@code POST} body, the request policy a query must pass, and
 * the {@code Cache-Control} age of a reply.
 */
final class DohMessages {

    /** The only path served; any other is {@code 404}. */
    static final String PATH = "/dns-query";
    static final String MIME_TYPE = "application/dns-message";
    /** The largest query body read, in octets (CoreDNS's {@code maxDNSQuerySize}). */
    static final int MAX_QUERY_SIZE = 65536;
    /** The longest {@code dns} parameter, in characters (CoreDNS's {@code maxBase64Len}). */
    static final int MAX_BASE64_LENGTH = (MAX_QUERY_SIZE * 8 + 5) / 6;

    private static final int MINIMAL_TTL = 5; // dnsutil.MinimalDefaultTTL
    private static final int MAXIMUM_TTL = 3600; // dnsutil.MaximumDefaultTTL

    private DohMessages() {
    }

    /** A request that carries no usable DNS query: answered {@code 400}. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The path of a request target, percent-decoded as Go's {@code URL.Path}: the part before the
     * query of an origin-form target ({@code /dns-query?dns=...}), or of the path of an absolute-form
     * one ({@code https://host/dns-query}).
     *
     * @throws Invalid when the path has a malformed percent escape
     */
    static String path(String target) throws Invalid {
        String t = target;
        int scheme = t.indexOf("://");
        if (!t.startsWith("/") && scheme > 0) {
            int slash = t.indexOf('/', scheme + 3);
            int q = t.indexOf('?', scheme + 3);
            t = slash < 0 || (q >= 0 && q < slash) ? "/" + (q < 0 ? "" : t.substring(q)) : t.substring(slash);
        }
        int q = t.indexOf('?');
        return unescape(q < 0 ? t : t.substring(0, q), false);
    }

    /**
     * The query of a {@code GET}: the one {@code dns} parameter of the target, base64url without
     * padding (line breaks inside are skipped, as Go's decoder does).
     */
    static byte[] fromGet(String target) throws Invalid {
        int q = target.indexOf('?');
        List<String> values = q < 0 ? List.of() : parameter(target.substring(q + 1), "dns");
        if (values.isEmpty()) {
            throw new Invalid("no 'dns' query parameter found");
        }
        if (values.size() != 1) {
            throw new Invalid("multiple 'dns' query values found");
        }
        String b64 = values.get(0);
        if (b64.length() > MAX_BASE64_LENGTH) {
            throw new Invalid("dns query too large");
        }
        if (b64.indexOf('\r') >= 0 || b64.indexOf('\n') >= 0) {
            b64 = b64.replace("\r", "").replace("\n", "");
        }
        if (b64.indexOf('=') >= 0) {
            throw new Invalid("illegal base64 data: padding");
        }
        try {
            return Base64.getUrlDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new Invalid("illegal base64 data: " + e.getMessage());
        }
    }

    /**
     * The values of {@code name} in a query string, parsed as Go's {@code url.ParseQuery}: pairs
     * split at {@code &}, a pair holding {@code ;} or a malformed escape skipped, {@code +} a space.
     */
    static List<String> parameter(String query, String name) {
        List<String> out = new ArrayList<>();
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty() || pair.indexOf(';') >= 0) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String key = unescape(eq < 0 ? pair : pair.substring(0, eq), true);
                if (key.equals(name)) {
                    out.add(eq < 0 ? "" : unescape(pair.substring(eq + 1), true));
                }
            } catch (Invalid e) {
                // Go drops a pair it cannot unescape
            }
        }
        return out;
    }

    private static String unescape(String s, boolean plusIsSpace) throws Invalid {
        if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0
                        || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw new Invalid("invalid URL escape");
                }
                out.write(Character.digit(s.charAt(i + 1), 16) << 4 | Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Checks a query as CoreDNS's {@code dnsutil.UnpackRequest} does before any plugin sees it: a
     * whole header, not a response, opcode QUERY or NOTIFY, one question, at most one answer and one
     * authority record and two additional ones (miekg/dns's default policy), and a message that
     * parses. Unlike plain DNS, which answers NOTIMP or FORMERR, DNS over HTTPS answers {@code 400}.
     */
    static void accept(byte[] wire) throws Invalid {
        if (wire.length < 12) {
            throw new Invalid("dns: buffer size too small");
        }
        int flags = u16(wire, 2);
        int opcode = (flags >>> 11) & 0xf;
        if ((flags & 0x8000) != 0 || (opcode != Opcode.QUERY && opcode != Opcode.NOTIFY)
                || u16(wire, 4) != 1 || u16(wire, 6) > 1 || u16(wire, 8) > 1 || u16(wire, 10) > 2) {
            throw new Invalid("dns request rejected");
        }
        try {
            new Message(wire);
        } catch (IOException | RuntimeException e) {
            throw new Invalid("dns: " + e.getMessage());
        }
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    /**
     * The {@code max-age} of a reply, in seconds: CoreDNS's {@code dnsutil.MinimalTTL} of the reply
     * as {@code response.Typify} classifies it. The lowest TTL of the answer, authority and
     * additional records (OPT left out), at most an hour, for a positive, NXDOMAIN or NODATA reply
     * with records; 5 seconds for every other reply.
     */
    static long maxAge(Message reply, long nowSeconds) {
        if (!cacheable(reply, nowSeconds)) {
            return MINIMAL_TTL;
        }
        List<Record> answer = reply.getSection(Section.ANSWER);
        List<Record> authority = reply.getSection(Section.AUTHORITY);
        List<Record> additional = reply.getSection(Section.ADDITIONAL);
        if (answer.isEmpty() && authority.isEmpty()
                && (additional.isEmpty() || (additional.size() == 1 && additional.get(0).getType() == Type.OPT))) {
            return MINIMAL_TTL;
        }
        long min = MAXIMUM_TTL;
        for (List<Record> section : List.of(answer, authority, additional)) {
            for (Record r : section) {
                if (r.getType() != Type.OPT && r.getTTL() < min) {
                    min = r.getTTL();
                }
            }
        }
        return min;
    }

    /** True for what {@code response.Typify} calls NoError, NameError or NoData. */
    private static boolean cacheable(Message m, long now) {
        ResponseType type = ResponseType.typify(m, now);
        return type == ResponseType.NOERROR || type == ResponseType.NXDOMAIN || type == ResponseType.NODATA;
    }
}
