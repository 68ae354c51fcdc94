package kdns.plugin.standard.endpoint;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import kdns.api.Controller;
import kdns.api.PluginException;
import kdns.api.text.IpLiterals;

/**
 * A {@code [HOST]:PORT} listen address as {@code health} and {@code ready} take it. Splitting
 * follows Go's {@code net.SplitHostPort} (and its error texts); the port must also be a number
 * from 1 to 65535, checked here rather than when the listener opens.
 *
 * @param host the host part without brackets; empty for every address
 * @param port the TCP port
 * @param text the address as written
 */
public record HostPort(String host, int port, String text) {

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with a message that names what is wrong
     */
    public static HostPort parse(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int end = text.indexOf(']');
            if (end < 0) {
                throw bad(text, "missing ']' in address");
            }
            if (end + 1 == text.length()) {
                throw bad(text, "missing port in address");
            }
            if (text.charAt(end + 1) != ':') {
                throw bad(text, "unexpected ']' in address");
            }
            host = text.substring(1, end);
            port = text.substring(end + 2);
            if (host.indexOf('[') >= 0 || port.indexOf('[') >= 0 || port.indexOf(']') >= 0) {
                throw bad(text, "unexpected '[' in address");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw bad(text, "missing port in address");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw bad(text, "too many colons in address");
            }
            if (host.indexOf('[') >= 0 || host.indexOf(']') >= 0 || port.indexOf('[') >= 0
                    || port.indexOf(']') >= 0) {
                throw bad(text, "unexpected '[' or ']' in address");
            }
        }
        int p = -1;
        if (!port.isEmpty() && port.length() <= 5 && port.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            p = Integer.parseInt(port);
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("invalid port \"" + port + "\" in address " + text
                    + ": want a number from 1 to 65535");
        }
        return new HostPort(host, p, text);
    }

    /**
     * The optional {@code ADDRESS} argument of {@code health}, {@code ready} and {@code prometheus}:
     * the rest of the directive's line, at most one address; {@code defaultAddress} without one.
     */
    public static HostPort fromArgs(Controller c, String defaultAddress) throws PluginException {
        List<String> args = c.remainingArgs();
        if (args.size() > 1) {
            throw c.argErr();
        }
        try {
            return parse(args.isEmpty() ? defaultAddress : args.get(0));
        } catch (IllegalArgumentException e) {
            throw c.err(e.getMessage());
        }
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("address " + text + ": " + why);
    }

    /** A key that is equal for equal listen addresses ({@code :8080} and {@code 0.0.0.0:8080} differ). */
    public String key() {
        String h = host;
        String canonical = IpLiterals.canonical(h);
        if (canonical != null) {
            h = canonical;
        }
        return h.toLowerCase(Locale.ROOT) + "|" + port;
    }

    /** The address to bind: the wildcard when the host is empty, else the host resolved now. */
    public InetSocketAddress bindAddress() throws UnknownHostException {
        if (host.isEmpty()) {
            return new InetSocketAddress(port);
        }
        byte[] literal = IpLiterals.parse(host);
        InetAddress a = literal != null ? InetAddress.getByAddress(literal) : InetAddress.getByName(host);
        return new InetSocketAddress(a, port);
    }

    /** {@code http://HOST:PORT/path} for a local client: loopback when the listener takes every address. */
    public String url(String path) {
        String h = host;
        byte[] literal = IpLiterals.parse(h);
        if (h.isEmpty()) {
            h = "127.0.0.1";
        } else if (literal != null && isUnspecified(literal)) {
            h = h.indexOf(':') >= 0 ? "[::1]" : "127.0.0.1";
        } else if (h.indexOf(':') >= 0) {
            h = "[" + h + "]";
        }
        return "http://" + h + ":" + port + path;
    }

    private static boolean isUnspecified(byte[] a) {
        for (byte b : a) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
