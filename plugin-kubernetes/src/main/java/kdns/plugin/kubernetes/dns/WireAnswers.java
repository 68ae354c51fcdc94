package kdns.plugin.kubernetes.dns;

import java.util.List;
import kdns.api.Request;
import kdns.api.WireMessage;
import kdns.api.WireReplies;
import kdns.api.text.IpLiterals;
import kdns.plugin.kubernetes.dns.ClusterLookup.Item;
import org.xbill.DNS.Type;

/**
 * The two most common kubernetes replies written straight in wire form ({@link WireReplies}, shared
 * with the etcd plugin): one A or AAAA record for the query's own name (a ClusterIP Service), and a
 * negative reply (NXDOMAIN, NODATA) with the zone's SOA. Each method gives null for a query it does
 * not write; {@link Answerer} then builds the message.
 */
final class WireAnswers {

    private WireAnswers() {
    }

    /**
     * The reply to {@code request} holding {@code items}, when that is a single address item of the
     * query's type and {@link WireReplies#address} writes it.
     */
    static WireMessage address(Request request, List<Item> items, int qtype) {
        if (items.size() != 1) {
            return null;
        }
        Item item = items.get(0);
        if (item.text() || request.mixedCase()) {
            return null;
        }
        byte[] ip = item.address() != null ? item.address() : IpLiterals.parseUnmapped(item.host());
        if (ip == null || ip.length != (qtype == Type.A ? 4 : 16)) {
            return null;
        }
        return WireReplies.address(request, qtype, new long[] {item.ttl()}, new byte[][] {ip}, 1);
    }

    /** See {@link WireReplies#negative}. */
    static WireMessage negative(Request request, int rcode, WireReplies.SoaWire soa, long ttl, long serial,
                                long minimum) {
        return WireReplies.negative(request, rcode, soa, ttl, serial, minimum);
    }
}
