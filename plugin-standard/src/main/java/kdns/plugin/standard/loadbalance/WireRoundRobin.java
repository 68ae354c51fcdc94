package kdns.plugin.standard.loadbalance;

import java.util.concurrent.ThreadLocalRandom;
import kdns.api.WireMessage;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@link RoundRobin} on a reply in wire form, for the plain case where it only has to shuffle runs
 * of A and AAAA records whose bytes can be moved as blocks: in each section of two or more records
 * the records are already in round-robin's group order (CNAME, the rest, A and AAAA, MX, with an OPT
 * record among the rest as dnsjava sees it), so the addresses are one run and nothing else moves;
 * each address record's owner is a compression pointer, so no later name can point into the run
 * (its data are addresses, not names) and moving whole records keeps every pointer right; and at
 * most one MX record per section (MX data hold names that later records may point into). Anything
 * else is left to the parsed path, which gives the same orders: the shuffle is the same uniform
 * permutation of the addresses.
 */
final class WireRoundRobin {

    private static final int CNAME = 0;
    private static final int REST = 1;
    private static final int ADDRESS = 2;
    private static final int MX = 3;

    private WireRoundRobin() {
    }

    /**
     * Shuffles the address runs of {@code reply} in place.
     *
     * @return false, with nothing changed, when the reply is not the plain case above
     */
    static boolean shuffle(WireMessage reply) {
        byte[] wire = reply.wire();
        int[] runs = new int[9]; // per section: start, end and count of the address run
        int pos = reply.questionNameEnd() + 4;
        for (int section = Section.ANSWER; section <= Section.ADDITIONAL; section++) {
            pos = scan(wire, pos, reply.count(section), runs, 3 * (section - 1));
            if (pos < 0) {
                return false;
            }
        }
        for (int r = 0; r < runs.length; r += 3) {
            if (runs[r + 2] >= 2) {
                permute(wire, runs[r], runs[r + 1], runs[r + 2]);
            }
        }
        return true;
    }

    /**
     * Walks the {@code n} records of a section at {@code pos}, noting its address run in
     * {@code runs[at, at + 3)}; the end of the section, or -1 when it is not the plain case. A
     * section of one record is never reordered. Record boundaries are sound: the message was
     * located ({@link WireMessage#locate}).
     */
    private static int scan(byte[] wire, int pos, int n, int[] runs, int at) {
        int last = CNAME;
        int mx = 0;
        for (int i = 0; i < n; i++) {
            int owner = pos;
            int fixed = nameEnd(wire, pos);
            pos = fixed + 10 + u16(wire, fixed + 8);
            if (n < 2) {
                continue;
            }
            int group = group(u16(wire, fixed));
            if (group < last) {
                return -1; // round robin would move more than the addresses
            }
            last = group;
            if (group == ADDRESS) {
                if (fixed - owner != 2 || (wire[owner] & 0xc0) != 0xc0) {
                    return -1;
                }
                if (runs[at + 2]++ == 0) {
                    runs[at] = owner;
                }
                runs[at + 1] = pos;
            } else if (group == MX && ++mx >= 2) {
                return -1;
            }
        }
        return pos;
    }

    /** Writes the {@code count} records of {@code wire[start, end)} back in a uniform random order. */
    private static void permute(byte[] wire, int start, int end, int count) {
        int[] offsets = new int[count + 1];
        int pos = start;
        for (int i = 0; i < count; i++) {
            offsets[i] = pos - start;
            pos += 2 + 10 + u16(wire, pos + 10);
        }
        offsets[count] = end - start;
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = count - 1; i > 0; i--) { // Fisher–Yates, as RoundRobin
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        byte[] run = java.util.Arrays.copyOfRange(wire, start, end);
        pos = start;
        for (int k : order) {
            int len = offsets[k + 1] - offsets[k];
            System.arraycopy(run, offsets[k], wire, pos, len);
            pos += len;
        }
    }

    private static int group(int type) {
        return switch (type) {
            case Type.CNAME -> CNAME;
            case Type.A, Type.AAAA -> ADDRESS;
            case Type.MX -> MX;
            default -> REST;
        };
    }

    /** The end of the (located, so sound) name at {@code pos}. */
    private static int nameEnd(byte[] wire, int pos) {
        while (true) {
            int label = wire[pos] & 0xff;
            if (label == 0) {
                return pos + 1;
            }
            if ((label & 0xc0) == 0xc0) {
                return pos + 2;
            }
            pos += 1 + label;
        }
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }
}
