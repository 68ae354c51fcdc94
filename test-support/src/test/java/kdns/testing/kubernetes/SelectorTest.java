package kdns.testing.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorTest {

    private static final Map<String, String> LABELS =
            Map.of("app", "web", "tier", "front", "multicluster.kubernetes.io/service-name", "svc",
                    "n", "5", "empty", "");

    private static boolean sel(String s) {
        return LabelSelector.parse(s).matches(LABELS);
    }

    @Test
    void equalityOperators() {
        assertTrue(sel("app=web"));
        assertTrue(sel("app==web"));
        assertFalse(sel("app=db"));
        assertTrue(sel("app!=db"));
        assertFalse(sel("app!=web"));
        assertTrue(sel("missing!=x"), "!= matches objects without the label");
        assertTrue(sel("empty="), "an empty value matches an empty label value");
        assertFalse(sel("missing="));
    }

    @Test
    void setOperators() {
        assertTrue(sel("app in (web, db)"));
        assertTrue(sel("app in (web)"));
        assertFalse(sel("app in (db,cache)"));
        assertTrue(sel("app notin (db,cache)"));
        assertFalse(sel("app notin (web)"));
        assertTrue(sel("missing notin (x)"), "notin matches objects without the label");
        assertFalse(sel("missing in (x)"));
    }

    @Test
    void existence() {
        assertTrue(sel("multicluster.kubernetes.io/service-name"));
        assertFalse(sel("!multicluster.kubernetes.io/service-name"));
        assertTrue(sel("!missing"));
        assertFalse(sel("missing"));
    }

    @Test
    void numericComparisons() {
        assertTrue(sel("n>4"));
        assertFalse(sel("n>5"));
        assertTrue(sel("n<6"));
        assertFalse(sel("app>1"), "a non-numeric label value never matches gt");
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("n>x"));
    }

    @Test
    void requirementsAreAnded() {
        assertTrue(sel("app=web,tier=front"));
        assertFalse(sel("app=web,tier=back"));
        assertTrue(sel(" app = web , tier in (front,back) , !missing "));
        assertEquals(3, LabelSelector.parse("a,b=c,d notin (e)").requirements().size());
    }

    @Test
    void emptySelectsEverything() {
        assertTrue(LabelSelector.parse(null).isEverything());
        assertTrue(LabelSelector.parse("  ").matches(Map.of()));
    }

    @Test
    void badSelectorsAreRejectedWithAMessage() {
        for (String bad : new String[] {"app=", "=web", "app in web", "app in ()", "app==a b",
                "-app=x", "app=-x-", "a,,b", "!app=x", "app in (a", "x/=y", "Bad_Prefix.io/a=b"}) {
            if (bad.equals("app=")) {
                continue; // valid: empty value
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LabelSelector.parse(bad), bad);
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Test
    void fieldSelectors() {
        var pod = KubeObjects.pod("ns1", "p1").ip("10.0.0.1").nodeName("node-a").build();
        ResourceType t = ResourceType.PODS;
        assertTrue(FieldSelector.parse("metadata.name=p1", t).matches(t, pod));
        assertTrue(FieldSelector.parse("metadata.namespace==ns1,status.phase=Running", t).matches(t, pod));
        assertFalse(FieldSelector.parse("status.phase!=Running", t).matches(t, pod));
        assertTrue(FieldSelector.parse("spec.nodeName=node-a", t).matches(t, pod));
        assertTrue(FieldSelector.parse("status.podIP=10.0.0.1", t).matches(t, pod));
        assertTrue(FieldSelector.parse("spec.hostNetwork=false", t).matches(t, pod));
        assertTrue(FieldSelector.parse("spec.nodeName!=", t).matches(t, pod));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FieldSelector.parse("spec.nodeName=x", ResourceType.SERVICES));
        assertEquals("field label not supported: spec.nodeName", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FieldSelector.parse("metadata.name", t));
        var ns = KubeObjects.namespace("a,b").build();
        assertTrue(FieldSelector.parse("metadata.name=a\\,b", ResourceType.NAMESPACES)
                .matches(ResourceType.NAMESPACES, ns));
    }
}
