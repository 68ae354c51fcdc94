package kdns.plugin.standard.hosts;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kdns.api.text.IpLiterals;
import kdns.api.zones.ZoneNames;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The entries of one hosts text (the file, or the Corefile's inline lines), parsed once and never
 * changed afterwards: names to IPv4 and IPv6 addresses, wildcard names ({@code *.example.org.})
 * to addresses, and addresses to names for PTR answers (CoreDNS's {@code hosts.Map}).
 *
 * <p>Keys are names as {@link kdns.api.Request#name()} spells them (lower case, fully qualified)
 * and addresses in Go's text form ({@code 10.0.0.1}, {@code ::1}; an IPv4-mapped IPv6 address is
 * its IPv4 text).
 */
final class HostsMap {

    static final HostsMap EMPTY = new HostsMap(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

    private final Map<String, List<InetAddress>> name4;
    private final Map<String, List<InetAddress>> name6;
    private final Map<String, List<InetAddress>> wild4;
    private final Map<String, List<InetAddress>> wild6;
    private final Map<String, List<Name>> addr;

    private HostsMap(Map<String, List<InetAddress>> name4, Map<String, List<InetAddress>> name6,
                     Map<String, List<InetAddress>> wild4, Map<String, List<InetAddress>> wild6,
                     Map<String, List<Name>> addr) {
        this.name4 = name4;
        this.name6 = name6;
        this.wild4 = wild4;
        this.wild6 = wild6;
        this.addr = addr;
    }

    /**
     * Parses hosts text as CoreDNS does: text after {@code #} is dropped; a line needs an address
     * and at least one name, else it is skipped, as is a line whose first field is not an IP
     * address ({@code %zone} suffixes are removed first). Names outside {@code origins} are left
     * out; so are names that are not valid domain names. Every other name gets the address and,
     * when {@code autoReverse}, a PTR entry for it (wildcard names never do).
     */
    static HostsMap parse(String text, List<String> origins, boolean autoReverse) {
        Map<String, List<InetAddress>> name4 = new HashMap<>();
        Map<String, List<InetAddress>> name6 = new HashMap<>();
        Map<String, List<InetAddress>> wild4 = new HashMap<>();
        Map<String, List<InetAddress>> wild6 = new HashMap<>();
        Map<String, List<Name>> addr = new HashMap<>();
        for (String line : text.split("\n", -1)) {
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            String[] f = line.strip().split("\\s+");
            if (f.length < 2) {
                continue;
            }
            InetAddress ip = parseIp(f[0]);
            if (ip == null) {
                continue;
            }
            boolean v4 = ip.getAddress().length == 4;
            String key = IpLiterals.format(ip.getAddress());
            for (int i = 1; i < f.length; i++) {
                Name name;
                try {
                    name = Name.fromString(ZoneNames.normalize(f[i]));
                } catch (TextParseException e) {
                    continue; // not a domain name: no question can ask for it
                }
                String n = name.toString().toLowerCase(Locale.ROOT);
                if (ZoneNames.longestMatch(origins, n) == null) {
                    continue;
                }
                if (n.startsWith("*.")) {
                    (v4 ? wild4 : wild6).computeIfAbsent(n, k -> new ArrayList<>()).add(ip);
                    continue;
                }
                (v4 ? name4 : name6).computeIfAbsent(n, k -> new ArrayList<>()).add(ip);
                if (autoReverse) {
                    addr.computeIfAbsent(key, k -> new ArrayList<>()).add(name);
                }
            }
        }
        return new HostsMap(freeze(name4), freeze(name6), freeze(wild4), freeze(wild6), freeze(addr));
    }

    private static <T> Map<String, List<T>> freeze(Map<String, List<T>> m) {
        Map<String, List<T>> out = new HashMap<>(m.size() * 2);
        m.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return Map.copyOf(out);
    }

    /**
     * An address field: Go's {@code net.ParseIP} after dropping a {@code %zone}; an IPv4-mapped
     * IPv6 address becomes IPv4. Null when the field is not an address.
     */
    static InetAddress parseIp(String field) {
        int pct = field.indexOf('%');
        byte[] b = IpLiterals.parse(pct >= 0 ? field.substring(0, pct) : field);
        if (b == null) {
            return null;
        }
        return IpLiterals.address(b); // IPv4-mapped bytes give an Inet4Address
    }

    /** The addresses of {@code name} in one family: its own entry, else a matching wildcard's. */
    List<InetAddress> lookup(String name, boolean v4) {
        List<InetAddress> exact = (v4 ? name4 : name6).get(name);
        if (exact != null) {
            return exact;
        }
        Map<String, List<InetAddress>> wild = v4 ? wild4 : wild6;
        if (wild.isEmpty()) {
            return List.of();
        }
        String pattern = wildcardOf(name);
        if (pattern == null) {
            return List.of();
        }
        return wild.getOrDefault(pattern, List.of());
    }

    /** The names of an address (Go text form), for PTR answers. */
    List<Name> names(String address) {
        return addr.getOrDefault(address, List.of());
    }

    /**
     * The number of entries: every address of every name and wildcard, plus every reverse name
     * (CoreDNS's {@code Map.Len}, the value of {@code coredns_hosts_entries}).
     */
    int len() {
        int n = 0;
        for (List<InetAddress> v : name4.values()) {
            n += v.size();
        }
        for (List<InetAddress> v : name6.values()) {
            n += v.size();
        }
        for (List<InetAddress> v : wild4.values()) {
            n += v.size();
        }
        for (List<InetAddress> v : wild6.values()) {
            n += v.size();
        }
        for (List<Name> v : addr.values()) {
            n += v.size();
        }
        return n;
    }

    /**
     * {@code name} with its first label replaced by {@code *} ({@code a.example.org.} gives
     * {@code *.example.org.}), or null for a single-label name or the root.
     */
    static String wildcardOf(String name) {
        for (int i = 0; i < name.length() - 1; i++) {
            char c = name.charAt(i);
            if (c == '\\') {
                i++; // an escaped character, such as a dot inside a label
            } else if (c == '.') {
                return "*" + name.substring(i);
            }
        }
        return null;
    }
}
