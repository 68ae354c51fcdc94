package kdns.api;

import org.xbill.DNS.EDNSOption;

/**
 * The EDNS0 options the server copies from a query's OPT record into a reply whose writer gave it
 * none (CoreDNS's {@code plugin/pkg/edns} {@code SetSupportedOption} and {@code SupportedOption},
 * used by {@code request.SizeAndDo}): NSID, EXPIRE, COOKIE, TCP-KEEPALIVE and PADDING always, and
 * every code a plugin declared with {@link #support(int)} (the code of each {@code rewrite edns0
 * local} rule). Any other option of the query is the client's business and stays out of the reply.
 *
 * <p>As in CoreDNS the set is one for the whole process and only grows: a code declared by one
 * server block, or by a Corefile that was since reloaded away, is echoed by every block. Thread-safe;
 * {@link #supported(int)} takes no lock.
 */
public final class EdnsOptions {

    /** One bit per option code, replaced whole when a code is added (adding is rare, reading is per reply). */
    private static volatile long[] declared = new long[65536 / 64];

    private EdnsOptions() {
    }

    /**
     * Declares that the server echoes option {@code code} (CoreDNS's {@code SetSupportedOption});
     * plugins call it while they set up.
     *
     * @throws IllegalArgumentException when {@code code} is not a 16-bit option code
     */
    public static synchronized void support(int code) {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("not an EDNS0 option code: " + code);
        }
        long[] bits = declared;
        if ((bits[code >>> 6] & (1L << code)) != 0) {
            return;
        }
        long[] copy = bits.clone();
        copy[code >>> 6] |= 1L << code;
        declared = copy;
    }

    /** True when option {@code code} of a query is echoed in a reply that has no OPT record of its own. */
    public static boolean supported(int code) {
        switch (code) {
            case EDNSOption.Code.NSID, EDNSOption.Code.EDNS_EXPIRE, EDNSOption.Code.COOKIE,
                 EDNSOption.Code.TCP_KEEPALIVE, EDNSOption.Code.PADDING -> {
                return true;
            }
            default -> {
                return code >= 0 && code <= 0xFFFF && (declared[code >>> 6] & (1L << code)) != 0;
            }
        }
    }
}
