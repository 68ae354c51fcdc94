package kdns.host.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

class ZoneRouterTest {

    private static BlockChain chain(String zone) {
        return new BlockChain(zone, "dns://" + zone + ":53", null, false);
    }

    private final ZoneRouter router = new ZoneRouter(List.of(chain("."), chain("example.org."),
            chain("a.example.org."), chain("10.in-addr.arpa.")));

    @Test
    void longestZoneWins() {
        assertEquals("a.example.org.", router.route("x.a.example.org.", Type.A).zone());
        assertEquals("a.example.org.", router.route("a.example.org.", Type.A).zone());
        assertEquals("example.org.", router.route("b.example.org.", Type.A).zone());
        assertEquals("example.org.", router.route("example.org.", Type.A).zone());
        assertEquals(".", router.route("example.com.", Type.A).zone());
        assertEquals("10.in-addr.arpa.", router.route("1.0.0.10.in-addr.arpa.", Type.PTR).zone());
    }

    @Test
    void dsGoesToTheParentSide() {
        assertEquals("example.org.", router.route("a.example.org.", Type.DS).zone());
        assertEquals(".", router.route("example.org.", Type.DS).zone());
    }

    @Test
    void dsWithoutParentFallsBackToTheZoneItself() {
        ZoneRouter only = new ZoneRouter(List.of(chain("example.org.")));
        assertEquals("example.org.", only.route("example.org.", Type.DS).zone());
    }

    @Test
    void nothingMatchesWithoutRoot() {
        ZoneRouter only = new ZoneRouter(List.of(chain("example.org.")));
        assertNull(only.route("example.com.", Type.A));
        assertNull(only.route("org.", Type.A));
    }

    @Test
    void parentSkipsEscapedDots() {
        assertEquals("b.", ZoneRouter.parent("a\\.x.b."));
        assertEquals(".", ZoneRouter.parent("b."));
        assertEquals("org.", ZoneRouter.parent("example.org."));
    }
}
