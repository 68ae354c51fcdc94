package kdns.e2e;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kdns.testing.DnsClient;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What kdns should answer for SkyDNS keys of the shape the etcd tests write (one key per name,
 * {@code /skydns/local/ZONE/LABEL -> {"host":"IPv4"}}), and the differences between that and what it
 * answers: each name of a full read of etcd must answer exactly its address, every other name the
 * test ever wrote must be NXDOMAIN.
 */
final class SkyDnsView {

    private static final Pattern HOST = Pattern.compile("\"host\"\\s*:\\s*\"([^\"]+)\"");

    private SkyDnsView() {
    }

    /** {@code /skydns/local/chaos/w1} is {@code w1.chaos.local.}. */
    static String nameOf(String key) {
        String[] parts = key.substring("/skydns/".length()).split("/");
        StringBuilder b = new StringBuilder();
        for (int i = parts.length - 1; i >= 0; i--) {
            b.append(parts[i]).append('.');
        }
        return b.toString();
    }

    /** Name to address, from a full read of etcd's {@code /skydns/} keys. */
    static SortedMap<String, String> expected(Map<String, String> kvs) {
        SortedMap<String, String> out = new TreeMap<>();
        kvs.forEach((k, v) -> {
            Matcher m = HOST.matcher(v);
            if (!m.find()) {
                throw new IllegalArgumentException("no host in " + k + " = " + v);
            }
            out.put(nameOf(k), m.group(1));
        });
        return out;
    }

    /**
     * Asks kdns (UDP) for every expected name and every name of {@code everWritten}; returns one
     * line per name whose answer differs from {@code expected} (empty when kdns equals etcd).
     */
    static List<String> differences(InetSocketAddress kdns, Map<String, String> expected, Collection<String> everWritten)
            throws IOException {
        TreeSet<String> names = new TreeSet<>(everWritten);
        names.addAll(expected.keySet());
        List<String> out = new ArrayList<>();
        for (String name : names) {
            Message m = DnsClient.udp(kdns, name, Type.A);
            String want = expected.get(name);
            List<String> got = m.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.A)
                    .map(r -> r.rdataToString()).toList();
            if (want == null) {
                if (m.getRcode() != Rcode.NXDOMAIN) {
                    out.add(name + ": want NXDOMAIN, got " + Rcode.string(m.getRcode()) + " " + got);
                }
            } else if (m.getRcode() != Rcode.NOERROR || !got.equals(List.of(want))) {
                out.add(name + ": want " + want + ", got " + Rcode.string(m.getRcode()) + " " + got);
            }
        }
        return out;
    }

    /** HTTP status of GET {@code http://127.0.0.1:port/path} (-1 when nothing answers). */
    static int status(int port, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
                    .openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            return c.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The body of GET {@code http://127.0.0.1:port/path}. */
    static String get(int port, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        try (var in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
