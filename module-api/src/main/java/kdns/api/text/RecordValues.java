package kdns.api.text;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The ranges DNS record fields accept, for checking values from outside (API objects, etcd values,
 * Corefile arguments) where they enter a plugin. dnsjava's record constructors throw on a value out
 * of range; a plugin that checks here first can drop the bad part with a warning naming its source
 * and serve the rest, instead of failing a query later.
 */
public final class RecordValues {

    /** The largest TTL a record may carry (RFC 2181 section 8: the top bit is never set). */
    public static final long MAX_TTL = 0x7FFFFFFFL;
    /** The longest label of a domain name (RFC 1035). */
    public static final int MAX_LABEL = 63;

    private RecordValues() {
    }

    /** An SRV port, priority or weight, an MX preference: 0 to 65535. */
    public static boolean isU16(long v) {
        return v >= 0 && v <= 0xFFFF;
    }

    /** A port a Kubernetes object may declare: 1 to 65535. */
    public static boolean isPort(long v) {
        return v >= 1 && v <= 0xFFFF;
    }

    /** A TTL dnsjava accepts: 0 to 2^31-1. */
    public static boolean isTtl(long v) {
        return v >= 0 && v <= MAX_TTL;
    }

    /** One label, 1 to 63 octets, without a dot (the characters themselves are not restricted). */
    public static boolean isLabel(String s) {
        return s != null && !s.isEmpty() && s.length() <= MAX_LABEL && s.indexOf('.') < 0 && s.indexOf('\\') < 0;
    }

    /**
     * A domain name that parses as an absolute name (a trailing dot is added when missing): labels of
     * at most 63 octets, at most 255 octets in all, no empty label, escapes well formed.
     */
    public static boolean isDomainName(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        try {
            Name.fromString(s.endsWith(".") ? s : s + ".");
            return true;
        } catch (TextParseException e) {
            return false;
        }
    }

    /**
     * A TXT record holding {@code text} as it is (no presentation-format escapes), cut into strings
     * of 255 octets as CoreDNS's {@code split255} does: one string when shorter than 255 octets, else
     * 255-octet strings and the rest (an empty last string when the length is a multiple of 255).
     * Unlike dnsjava's TXT constructors it never throws on long or backslashed text.
     */
    public static Record txtRecord(Name owner, int dclass, long ttl, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream rdata = new ByteArrayOutputStream(b.length + b.length / 255 + 2);
        if (b.length < 255) {
            rdata.write(b.length);
            rdata.write(b, 0, b.length);
        } else {
            int p = 0;
            while (p + 255 <= b.length) {
                rdata.write(255);
                rdata.write(b, p, 255);
                p += 255;
            }
            rdata.write(b.length - p);
            rdata.write(b, p, b.length - p);
        }
        return Record.newRecord(owner, Type.TXT, dclass, ttl, rdata.toByteArray());
    }
}
