package kdns.api.zones;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FallthroughTest {

    @Test
    void noneNeverRootAlways() {
        assertFalse(Fallthrough.NONE.through("example.org."));
        assertTrue(Fallthrough.ROOT.through("example.org."));
        assertTrue(Fallthrough.fromArgs(List.of()).through("x."));
    }

    @Test
    void onlyTheGivenZones() {
        Fallthrough f = Fallthrough.fromArgs(List.of("in-addr.arpa", "IP6.ARPA"));
        assertTrue(f.through("1.0.0.10.in-addr.arpa."));
        assertTrue(f.through("x.ip6.arpa."));
        assertFalse(f.through("svc.cluster.local."));
    }

    @Test
    void cidrArgumentsBecomeReverseZones() {
        Fallthrough f = Fallthrough.fromArgs(List.of("10.0.0.0/24"));
        assertTrue(f.through("5.0.0.10.in-addr.arpa."));
        assertFalse(f.through("5.1.0.10.in-addr.arpa."));
    }
}
