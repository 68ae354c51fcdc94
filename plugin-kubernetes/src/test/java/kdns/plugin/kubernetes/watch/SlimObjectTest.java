package kdns.plugin.kubernetes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import org.junit.jupiter.api.Test;

/** What the informer cache keeps of an object gives back the namespace, name and version it was made with. */
class SlimObjectTest {

    @Test
    void metadataRoundTripsEveryVersionText() {
        for (String rv : new String[] {"0", "7", "123456789", "999999999999999999", "1234567890123456789",
                "007", "12a", "", "-1", " 1", "CgkIARDE2gEYAQ"}) {
            SlimObject o = new SlimObject("ns", "web", rv, "payload");
            assertEquals(rv, o.getMetadata().getResourceVersion(), rv);
        }
        assertNull(new SlimObject("ns", "web", null, null).getMetadata().getResourceVersion());
    }

    @Test
    void plainNumbersOnly() {
        assertEquals(42, SlimObject.plainNumber("42"));
        assertEquals(0, SlimObject.plainNumber("0"));
        assertEquals(-1, SlimObject.plainNumber("042"), "a leading zero would not come back the same");
        assertEquals(-1, SlimObject.plainNumber("1234567890123456789"), "19 digits may overflow: kept as text");
        assertEquals(-1, SlimObject.plainNumber("+1"));
    }

    @Test
    void eachCallGivesItsOwnMetadataAndTheCacheKey() {
        SlimObject o = new SlimObject("ns", "web", "5", null);
        V1ObjectMeta a = o.getMetadata();
        a.setName("changed");
        assertNotSame(a, o.getMetadata());
        assertEquals("web", o.getMetadata().getName(), "a caller's change does not reach the object");
        assertEquals("ns", o.getMetadata().getNamespace());
        assertEquals("ns/web", o.key());
        assertEquals("default", new SlimObject(null, "default", "1", null).key(), "cluster-scoped");
    }
}
