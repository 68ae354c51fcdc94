package kdns.plugin.standard.rewrite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.OPTRecord;

/**
 * The query's OPT record while edns0 rules change it: its header fields and its options as a list
 * (dnsjava's OPT records are immutable; CoreDNS changes the query's own). The handler puts the
 * result in the query once the rules have run ({@link kdns.api.Request#replaceOpt}).
 */
final class QueryOpt {

    /** The buffer size of the OPT record CoreDNS adds to a query without one ({@code setupEdns0Opt}). */
    static final int ADDED_UDP_SIZE = 4096;

    private boolean present;
    private int payloadSize;
    private int extendedRcode;
    private int version;
    private int flags;
    private final List<EDNSOption> options;
    private boolean changed;

    QueryOpt(OPTRecord opt) {
        present = opt != null;
        if (opt != null) {
            payloadSize = opt.getPayloadSize();
            extendedRcode = opt.getExtendedRcode();
            version = opt.getVersion();
            flags = opt.getFlags();
            options = new ArrayList<>(opt.getOptions());
        } else {
            options = new ArrayList<>();
        }
    }

    /** CoreDNS's {@code setupEdns0Opt}: a query without OPT gets one (4096 bytes, DO clear, no options). */
    QueryOpt ensure() {
        if (!present) {
            present = true;
            payloadSize = ADDED_UDP_SIZE;
            extendedRcode = 0;
            version = 0;
            flags = 0;
            changed = true;
        }
        return this;
    }

    /** The options, in order; who changes the list calls {@link #touch()}. */
    List<EDNSOption> options() {
        return options;
    }

    void touch() {
        changed = true;
    }

    boolean changed() {
        return changed;
    }

    OPTRecord record() {
        return present ? new OPTRecord(payloadSize, extendedRcode, version, flags, options) : null;
    }

    /** The option's data (dnsjava keeps it package-private): its wire form without code and length. */
    static byte[] data(EDNSOption o) {
        byte[] wire = o.toWire();
        return Arrays.copyOfRange(wire, 4, wire.length);
    }

    /** {@code options} with the first one of {@code code} left out. */
    static List<EDNSOption> withoutFirst(List<EDNSOption> options, int code) {
        List<EDNSOption> out = new ArrayList<>(options.size());
        boolean removed = false;
        for (EDNSOption o : options) {
            if (o.getCode() == code && !removed) {
                removed = true;
                continue;
            }
            out.add(o);
        }
        return out;
    }

    /** {@code opt} with other options, its header kept. */
    static OPTRecord withOptions(OPTRecord opt, List<EDNSOption> options) {
        return new OPTRecord(opt.getPayloadSize(), opt.getExtendedRcode(), opt.getVersion(), opt.getFlags(), options);
    }
}
