package kdns.host.corefile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import kdns.api.text.GoStrings;
import kdns.api.zones.ReverseZones;

/**
 * Turns server-block keys ({@code [SCHEME://]ZONE[:PORT]}) into normalised {@link ServerKey}s the
 * way CoreDNS's {@code InspectServerBlocks} and {@code plugin.SplitHostPort} do: the scheme picks
 * the transport and its default port, the text after the last {@code :} is the port only when it
 * is an integer, the zone must pass {@code dns.IsDomainName}, a CIDR zone expands to its reverse
 * zones (each its own key, in place), and zones end up lower-cased and fully qualified.
 */
public final class ServerKeys {

    private static final String PREFIX = "error inspecting server blocks: ";
    private static final Pattern ANY_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");
    private static final List<String> TRANSPORTS = List.of("tls", "dns", "quic", "grpc", "https3", "https");

    private ServerKeys() {
    }

    /**
     * The normalised keys of one block, CIDR keys expanded where they stood.
     *
     * @param defaultDnsPort the port of {@code dns} keys that have none ({@code -dns.port}, 53 by default)
     * @throws CorefileException {@code error inspecting server blocks: <reason>} for a key CoreDNS
     *     refuses, or for a scheme or port it could never serve
     */
    public static List<ServerKey> inspect(ServerBlock block, int defaultDnsPort) throws CorefileException {
        List<ServerKey> out = new ArrayList<>();
        for (int i = 0; i < block.keys().size(); i++) {
            String key = block.keys().get(i);
            Token at = i < block.keyTokens().size() ? block.keyTokens().get(i) : null;
            out.addAll(inspectKey(key, at, defaultDnsPort));
        }
        return List.copyOf(out);
    }

    private static List<ServerKey> inspectKey(String key, Token at, int defaultDnsPort) throws CorefileException {
        String transport = transportOf(key, at);
        String rest = key.startsWith(transport + "://") ? key.substring(transport.length() + 3) : key;
        HostsAndPort split = splitHostPort(rest);
        // CoreDNS checks the fully qualified form again: a 255-byte zone is fine, its FQDN is not.
        for (String host : split.hosts) {
            splitHostPort(DnsNames.fqdn(host));
        }
        long port = split.port != null ? split.port : defaultPort(transport, defaultDnsPort);
        if (port < 0 || port > 65535) {
            throw new CorefileException(PREFIX + "port " + port + " of key \"" + key + "\"" + where(at)
                    + " is out of range: use a port from 0 to 65535");
        }
        List<ServerKey> keys = new ArrayList<>();
        for (String host : split.hosts) {
            keys.add(new ServerKey(transport, DnsNames.fqdn(host).toLowerCase(Locale.ROOT), (int) port));
        }
        return keys;
    }

    /**
     * The key's transport. CoreDNS itself treats an unknown {@code scheme://} as part of the
     * zone name (serving a zone like {@code foo://x.} over plain DNS); we refuse it instead.
     */
    private static String transportOf(String key, Token at) throws CorefileException {
        for (String t : TRANSPORTS) {
            if (key.startsWith(t + "://")) {
                return t;
            }
        }
        var m = ANY_SCHEME.matcher(key);
        if (m.find()) {
            throw new CorefileException(PREFIX + "unknown scheme \"" + m.group() + "\" in key \"" + key + "\""
                    + where(at) + ": use dns://, tls://, quic://, grpc://, https:// or https3:// (lower case)");
        }
        return "dns";
    }

    private static long defaultPort(String transport, int dnsPort) {
        return switch (transport) {
            case "dns" -> dnsPort;
            case "tls", "quic" -> 853;
            default -> 443; // grpc, https, https3
        };
    }

    private record HostsAndPort(List<String> hosts, Long port) {
    }

    /** CoreDNS's {@code plugin.SplitHostPort}: port after the last colon, zone checks, CIDR expansion. */
    private static HostsAndPort splitHostPort(String s) throws CorefileException {
        int colon = s.lastIndexOf(':');
        if (colon >= 0 && colon == s.length() - 1) {
            throw new CorefileException(PREFIX + "expecting data after last colon: " + GoStrings.quote(s));
        }
        Long port = null;
        String host = s;
        if (colon >= 0) {
            port = atoi(s.substring(colon + 1));
            if (port != null) {
                host = s.substring(0, colon);
            }
        }
        int length = host.getBytes(StandardCharsets.UTF_8).length;
        if (length > 255) {
            throw new CorefileException(PREFIX + "specified zone is too long: " + length + " > 255");
        }
        if (!DnsNames.isDomainName(host)) {
            throw new CorefileException(PREFIX + "zone is not a valid domain name: " + host);
        }
        List<String> reverse;
        try {
            reverse = ReverseZones.fromCidr(host);
        } catch (IllegalArgumentException e) {
            throw new CorefileException(PREFIX + e.getMessage());
        }
        return new HostsAndPort(reverse == null ? List.of(host) : reverse, port);
    }

    /** Go's {@code strconv.Atoi}: optional sign, ASCII digits, 64-bit range; null when not a number. */
    private static Long atoi(String s) {
        int i = s.startsWith("+") || s.startsWith("-") ? 1 : 0;
        if (i == s.length()) {
            return null;
        }
        for (int j = i; j < s.length(); j++) {
            if (s.charAt(j) < '0' || s.charAt(j) > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null; // out of range: Go keeps it as part of the zone
        }
    }

    private static String where(Token at) {
        return at == null ? "" : " (" + at.file() + ":" + at.line() + ")";
    }

    /**
     * Fails when two keys, in one block or in two, name the same transport, zone and port
     * (CoreDNS's {@code validateZonesAndListeningAddresses} without {@code bind}).
     *
     * @throws CorefileException {@code cannot serve dns://.:53 - it is already defined}
     */
    public static void checkDuplicates(List<List<ServerKey>> keysPerBlock) throws CorefileException {
        checkDuplicates(keysPerBlock, Collections.nCopies(keysPerBlock.size(), false));
    }

    /**
     * As {@link #checkDuplicates(List)}, where the blocks flagged in {@code views} (blocks with a
     * {@code view}) may share their keys with any block: queries go to the first of them whose view
     * admits them, in Corefile order.
     */
    public static void checkDuplicates(List<List<ServerKey>> keysPerBlock, List<Boolean> views)
            throws CorefileException {
        Set<ServerKey> seen = new HashSet<>();
        for (int i = 0; i < keysPerBlock.size(); i++) {
            if (views.get(i)) {
                continue;
            }
            for (ServerKey k : keysPerBlock.get(i)) {
                if (!seen.add(k)) {
                    throw new CorefileException("cannot serve " + k + " - it is already defined");
                }
            }
        }
    }
}
