package kdns.plugin.kubernetes.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

class AnswerMemoTest {

    private final AtomicLong version = new AtomicLong(7);
    private final AnswerMemo memo = new AnswerMemo(version::get);

    private static Message reply(int id) {
        Message m = new Message(id);
        m.getHeader().setFlag(Flags.AA);
        return m;
    }

    @Test
    void keptUntilTheIndexChanges() throws Exception {
        Name n = Name.fromString("svc1.testns.svc.cluster.local.");
        long v = memo.version();
        memo.put(n, Type.A, v, reply(1));
        Message a = memo.get(n, Type.A);
        Message b = memo.get(n, Type.A);
        assertNotNull(a);
        assertNotSame(a, b, "every hit is a copy: writers change the reply they get");
        assertNull(memo.get(n, Type.AAAA));
        version.incrementAndGet();
        assertNull(memo.get(n, Type.A), "stale after a change");
    }

    @Test
    void answersBuiltWhileTheIndexChangedAreNotKept() throws Exception {
        Name n = Name.fromString("svc1.testns.svc.cluster.local.");
        long v = memo.version();
        version.incrementAndGet();
        memo.put(n, Type.A, v, reply(1));
        assertNull(memo.get(n, Type.A));
    }

    @Test
    void mixedCaseNamesAreNeverKeptSoTheirSpellingIsAnswered() throws Exception {
        Name mixed = Name.fromString("SvC1.testns.svc.cluster.local.");
        memo.put(mixed, Type.A, memo.version(), reply(1));
        assertNull(memo.get(mixed, Type.A));
        assertNull(memo.get(Name.fromString("svc1.testns.svc.cluster.local."), Type.A));
        Name lower = Name.fromString("svc1.testns.svc.cluster.local.");
        memo.put(lower, Type.A, memo.version(), reply(2));
        assertNull(memo.get(mixed, Type.A), "a lower-case entry never answers a 0x20 spelling");
        assertEquals(2, memo.get(lower, Type.A).getHeader().getID());
    }

    @Test
    void boundedByStartingOver() throws Exception {
        for (int i = 0; i <= AnswerMemo.MAX_ENTRIES; i++) {
            memo.put(Name.fromString("s" + i + ".ns.svc.cluster.local."), Type.A, memo.version(), reply(i));
        }
        assertNull(memo.get(Name.fromString("s0.ns.svc.cluster.local."), Type.A));
        assertNotNull(memo.get(Name.fromString("s" + AnswerMemo.MAX_ENTRIES + ".ns.svc.cluster.local."), Type.A));
    }
}
