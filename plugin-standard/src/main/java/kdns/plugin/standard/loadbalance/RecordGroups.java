package kdns.plugin.standard.loadbalance;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The records of one section split as CoreDNS's load-balancing policies reorder them: CNAME, A and
 * AAAA, MX, and the rest, each in the section's order. The lists are new and may be reordered in
 * place by the policy.
 */
record RecordGroups(List<Record> cname, List<Record> address, List<Record> mx, List<Record> rest) {

    static RecordGroups of(List<Record> in) {
        RecordGroups g = new RecordGroups(new ArrayList<>(2), new ArrayList<>(in.size()), new ArrayList<>(2),
                new ArrayList<>(2));
        for (Record r : in) {
            switch (r.getType()) {
                case Type.CNAME -> g.cname.add(r);
                case Type.A, Type.AAAA -> g.address.add(r);
                case Type.MX -> g.mx.add(r);
                default -> g.rest.add(r);
            }
        }
        return g;
    }

    /** CNAME, the rest, the addresses, MX: the order round_robin and weighted write. */
    List<Record> cnameRestAddressMx() {
        List<Record> out = new ArrayList<>(cname.size() + rest.size() + address.size() + mx.size());
        out.addAll(cname);
        out.addAll(rest);
        out.addAll(address);
        out.addAll(mx);
        return out;
    }

    /** Replaces {@code section} of {@code reply} with {@code records}. */
    static void replace(Message reply, int section, List<Record> records) {
        reply.removeAllRecords(section);
        for (Record r : records) {
            reply.addRecord(r, section);
        }
    }
}
