package kdns.plugin.standard.loadbalance;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * CoreDNS's {@code round_robin} policy: in the answer, authority and additional sections, CNAME
 * records come first (stub resolvers such as glibc expect the chain before the addresses), then
 * every other record in its order, then the A and AAAA records shuffled, then the MX records
 * shuffled. Each shuffle is a uniform random permutation.
 */
final class RoundRobin {

    private RoundRobin() {
    }

    /** Reorders the sections of {@code reply} in place. */
    static void shuffle(Message reply) {
        section(reply, Section.ANSWER);
        section(reply, Section.AUTHORITY);
        section(reply, Section.ADDITIONAL);
    }

    private static void section(Message reply, int section) {
        List<Record> in = reply.getSection(section);
        if (in.size() < 2) {
            return;
        }
        List<Record> out = order(in);
        if (same(in, out)) {
            return;
        }
        RecordGroups.replace(reply, section, out);
    }

    private static boolean same(List<Record> a, List<Record> b) {
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** The records in round-robin order (a new list). */
    static List<Record> order(List<Record> in) {
        RecordGroups groups = RecordGroups.of(in);
        shuffle(groups.address());
        shuffle(groups.mx());
        return groups.cnameRestAddressMx();
    }

    /** Fisher–Yates. */
    private static void shuffle(List<Record> records) {
        int n = records.size();
        if (n < 2) {
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            if (i != j) {
                Record t = records.get(i);
                records.set(i, records.get(j));
                records.set(j, t);
            }
        }
    }
}
