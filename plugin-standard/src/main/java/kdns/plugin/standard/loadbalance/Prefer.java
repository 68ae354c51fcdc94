package kdns.plugin.standard.loadbalance;

import java.util.ArrayList;
import java.util.List;
import kdns.plugin.standard.golang.Subnet;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * CoreDNS's {@code prefer CIDR...}: after the policy ran, in the answer and additional sections,
 * the CNAME records come first, then the address records in the order of the first subnet that
 * contains them (the others after them, in their order), then the MX records, then the rest.
 */
final class Prefer {

    private Prefer() {
    }

    static void reorder(Message reply, List<Subnet> subnets) {
        section(reply, Section.ANSWER, subnets);
        section(reply, Section.ADDITIONAL, subnets);
    }

    private static void section(Message reply, int section, List<Subnet> subnets) {
        List<Record> in = reply.getSection(section);
        if (in.isEmpty()) {
            return;
        }
        List<Record> out = order(in, subnets);
        RecordGroups.replace(reply, section, out);
    }

    static List<Record> order(List<Record> in, List<Subnet> subnets) {
        RecordGroups groups = RecordGroups.of(in);
        List<Record> address = groups.address();
        List<Record> out = new ArrayList<>(in.size());
        out.addAll(groups.cname());
        boolean[] taken = new boolean[address.size()];
        for (Subnet s : subnets) {
            for (int i = 0; i < address.size(); i++) {
                if (!taken[i] && s.contains(ip(address.get(i)))) {
                    out.add(address.get(i));
                    taken[i] = true;
                }
            }
        }
        for (int i = 0; i < address.size(); i++) {
            if (!taken[i]) {
                out.add(address.get(i));
            }
        }
        out.addAll(groups.mx());
        out.addAll(groups.rest());
        return out;
    }

    static byte[] ip(Record r) {
        if (r instanceof ARecord a) {
            return a.getAddress().getAddress();
        }
        if (r instanceof AAAARecord a) {
            return a.getAddress().getAddress();
        }
        return new byte[0];
    }
}
