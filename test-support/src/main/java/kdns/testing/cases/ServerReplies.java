package kdns.testing.cases;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import kdns.testing.DnsClient;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;

/**
 * The reply a case is checked with when it asks a real server over the wire, the same way for
 * every harness: over the case's transport (UDP when it names none), again over TCP when the UDP
 * reply is truncated, and over TCP too when a UDP reply of more than 400 bytes differs from the
 * expectation only by missing additional records: the server's UDP writer trims glue to fit 512
 * bytes without setting TC (as CoreDNS's scrub does), so the full additional section the plugin
 * answered is the TCP one. A case that names {@code udp} keeps its UDP reply.
 */
public final class ServerReplies {

    /** Beyond this size a UDP reply may have lost glue to the 512-byte limit. */
    private static final int TRIMMED_GLUE_SIZE = 400;

    private ServerReplies() {
    }

    /**
     * The reply to {@code qname}/{@code type} from {@code server} to check against {@code want};
     * {@code transport} is the case's ({@code "tcp"}, {@code "udp"}, or "" for UDP with TCP fallback).
     */
    public static Message ask(InetSocketAddress server, String qname, int type, String transport,
            CaseCheck.Expected want) throws IOException {
        Message reply = "tcp".equals(transport) ? DnsClient.tcp(server, qname, type) : DnsClient.udp(server, qname, type);
        if (reply.getHeader().getFlag(Flags.TC)) {
            return DnsClient.tcp(server, qname, type);
        }
        if ("udp".equals(transport) || "tcp".equals(transport)) {
            return reply;
        }
        List<String> diffs = CaseCheck.differences(reply, want);
        if (!diffs.isEmpty() && reply.toWire().length > TRIMMED_GLUE_SIZE
                && diffs.stream().allMatch(d -> d.startsWith("additional: missing"))) {
            return DnsClient.tcp(server, qname, type);
        }
        return reply;
    }
}
