package kdns.testing.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ObjectStoreTest {

    private static final ResourceType SVC = ResourceType.SERVICES;

    private static long rvOf(ObjectNode o) {
        return Long.parseLong(o.get("metadata").get("resourceVersion").asText());
    }

    private static ObjectStore storeWithNamespace() {
        ObjectStore s = new ObjectStore();
        s.create(ResourceType.NAMESPACES, KubeObjects.namespace("ns1").build(), null);
        return s;
    }

    @Test
    void oneGlobalResourceVersionAcrossResources() {
        ObjectStore s = storeWithNamespace();
        ObjectNode a = s.create(SVC, KubeObjects.service("ns1", "a").build(), null);
        ObjectNode slice = s.create(ResourceType.ENDPOINTSLICES,
                KubeObjects.endpointSlice("ns1", "a-1").service("a").endpoints("10.1.0.1").build(), null);
        assertEquals(2, rvOf(a));
        assertEquals(3, rvOf(slice));
        assertEquals(3, s.resourceVersion());
        assertEquals(1, slice.get("metadata").get("generation").asLong());
        assertTrue(a.get("metadata").get("uid").asText().length() > 30);
        assertTrue(a.get("metadata").get("creationTimestamp").asText().endsWith("Z"));
        assertNull(a.get("metadata").get("generation"), "Services have no generation");
    }

    @Test
    void updateThatChangesNothingKeepsTheVersion() {
        ObjectStore s = storeWithNamespace();
        ObjectNode a = s.create(SVC, KubeObjects.service("ns1", "a").clusterIP("10.0.0.1").build(), null);
        ObjectNode same = s.update(SVC, a, null, false, false);
        assertEquals(rvOf(a), rvOf(same));
        ObjectNode changed = a.deepCopy();
        ((ObjectNode) changed.get("metadata")).putObject("labels").put("x", "y");
        ObjectNode b = s.update(SVC, changed, null, false, false);
        assertEquals(rvOf(a) + 1, rvOf(b));
        assertEquals(a.get("metadata").get("uid"), b.get("metadata").get("uid"));
    }

    @Test
    void staleResourceVersionConflicts() {
        ObjectStore s = storeWithNamespace();
        ObjectNode a = s.create(SVC, KubeObjects.service("ns1", "a").build(), null);
        ObjectNode v2 = a.deepCopy();
        ((ObjectNode) v2.get("metadata")).putObject("labels").put("v", "2");
        s.update(SVC, v2, null, false, false);
        ObjectNode stale = a.deepCopy();
        ((ObjectNode) stale.get("metadata")).putObject("labels").put("v", "3");
        KubeApiException e = assertThrows(KubeApiException.class,
                () -> s.update(SVC, stale, null, false, false));
        assertEquals(409, e.code());
        assertEquals("Conflict", e.reason());
    }

    @Test
    void createErrorsAreTheApiServers() {
        ObjectStore s = storeWithNamespace();
        s.create(SVC, KubeObjects.service("ns1", "a").build(), null);
        assertEquals(409, assertThrows(KubeApiException.class,
                () -> s.create(SVC, KubeObjects.service("ns1", "a").build(), null)).code());
        KubeApiException noNs = assertThrows(KubeApiException.class,
                () -> s.create(SVC, KubeObjects.service("nope", "a").build(), null));
        assertEquals(404, noNs.code());
        assertEquals("namespaces \"nope\" not found", noNs.getMessage());
        assertEquals(422, assertThrows(KubeApiException.class,
                () -> s.create(SVC, KubeObjects.service("ns1", "Bad_Name").build(), null)).code());
        ObjectNode noType = KubeObjects.endpointSlice("ns1", "x").build();
        noType.remove("addressType");
        assertEquals(422, assertThrows(KubeApiException.class,
                () -> s.create(ResourceType.ENDPOINTSLICES, noType, null)).code());
    }

    @Test
    void serviceDefaultsAndImmutableClusterIp() {
        ObjectStore s = storeWithNamespace();
        ObjectNode a = s.create(SVC, KubeObjects.service("ns1", "a").port("dns", "UDP", 53).build(), null);
        String ip = a.at("/spec/clusterIP").asText();
        assertTrue(ip.startsWith("10.96."), ip);
        assertEquals(ip, a.at("/spec/clusterIPs/0").asText());
        assertEquals("IPv4", a.at("/spec/ipFamilies/0").asText());
        assertEquals(53, a.at("/spec/ports/0/targetPort").asInt());
        ObjectNode moved = a.deepCopy();
        ((ObjectNode) moved.get("spec")).put("clusterIP", "10.0.0.99");
        ((ObjectNode) moved.get("spec")).putArray("clusterIPs").add("10.0.0.99");
        assertEquals(422, assertThrows(KubeApiException.class,
                () -> s.update(SVC, moved, null, false, false)).code());
        ObjectNode ext = s.create(SVC, KubeObjects.service("ns1", "e").externalName("example.org").build(), null);
        assertTrue(ext.at("/spec/clusterIP").isMissingNode());
        ObjectNode ns = s.get(ResourceType.NAMESPACES, "", "ns1");
        assertEquals("ns1", ns.at("/metadata/labels/kubernetes.io~1metadata.name").asText());
    }

    @Test
    void historyReplaysAndExpires() throws Exception {
        ObjectStore s = storeWithNamespace();
        long start = s.resourceVersion();
        for (int i = 0; i < 5; i++) {
            s.create(SVC, KubeObjects.service("ns1", "s" + i).build(), null);
        }
        ObjectStore.Subscription sub = s.watch(SVC, start);
        assertEquals(5, sub.initial.size());
        s.unsubscribe(sub);
        ObjectStore.Subscription fromThird = s.watch(SVC, start + 3);
        assertEquals(List.of("s3", "s4"), fromThird.initial.stream()
                .map(e -> e.object().get("metadata").get("name").asText()).toList());
        s.create(SVC, KubeObjects.service("ns1", "live").build(), null);
        Object live = fromThird.queue.poll();
        assertTrue(live instanceof ObjectStore.Event e && e.type().equals("ADDED"));
        s.unsubscribe(fromThird);

        s.setHistoryLimit(2);
        KubeApiException gone = assertThrows(KubeApiException.class, () -> s.watch(SVC, start));
        assertEquals(410, gone.code());
        assertTrue(gone.getMessage().startsWith("too old resource version: " + start + " ("),
                gone.getMessage());
        s.unsubscribe(s.watch(SVC, s.resourceVersion() - 2));

        s.compact();
        assertEquals(410, assertThrows(KubeApiException.class,
                () -> s.watch(SVC, s.resourceVersion() - 1)).code());
        ObjectStore.Subscription now = s.watch(SVC, s.resourceVersion());
        assertTrue(now.initial.isEmpty());
        s.unsubscribe(now);
        assertEquals(0, s.watchCount());
        assertEquals(504, assertThrows(KubeApiException.class,
                () -> s.watch(SVC, s.resourceVersion() + 10)).code());
    }

    @Test
    void stateAtAnOlderVersionUndoesLaterEvents() {
        ObjectStore s = storeWithNamespace();
        ObjectNode a = s.create(SVC, KubeObjects.service("ns1", "a").build(), null);
        long afterA = s.resourceVersion();
        ObjectNode a2 = a.deepCopy();
        ((ObjectNode) a2.get("metadata")).putObject("labels").put("v", "2");
        s.update(SVC, a2, null, false, false);
        s.create(SVC, KubeObjects.service("ns1", "b").build(), null);
        s.delete(SVC, "ns1", "a");
        assertEquals(List.of("ns1/b"), List.copyOf(s.stateAt(SVC, s.resourceVersion()).keySet()));
        var then = s.stateAt(SVC, afterA);
        assertEquals(List.of("ns1/a"), List.copyOf(then.keySet()));
        assertEquals(rvOf(a), rvOf(then.get("ns1/a")));
        assertTrue(then.get("ns1/a").at("/metadata/labels").isMissingNode());
        s.compact();
        assertEquals(410, assertThrows(KubeApiException.class, () -> s.stateAt(SVC, afterA)).code());
    }

    @Test
    void deletingANamespaceDeletesItsObjects() {
        ObjectStore s = storeWithNamespace();
        s.create(ResourceType.NAMESPACES, KubeObjects.namespace("ns2").build(), null);
        s.create(SVC, KubeObjects.service("ns1", "a").build(), null);
        s.create(SVC, KubeObjects.service("ns2", "b").build(), null);
        s.create(ResourceType.PODS, KubeObjects.pod("ns1", "p").build(), null);
        s.delete(ResourceType.NAMESPACES, null, "ns1");
        assertEquals(List.of("b"), s.all(SVC).stream().map(o -> o.at("/metadata/name").asText()).toList());
        assertTrue(s.all(ResourceType.PODS).isEmpty());
    }

    @Test
    void watchViewsFollowTheSelectorsSet() {
        ObjectNode in = KubeObjects.service("ns1", "a").label("app", "web").build();
        ObjectNode out = KubeObjects.service("ns1", "a").label("app", "db").build();
        ((ObjectNode) in.get("metadata")).put("resourceVersion", "4");
        ((ObjectNode) out.get("metadata")).put("resourceVersion", "5");
        Predicate<ObjectNode> web = LabelSelector.parse("app=web")::matches;
        ObjectStore.Event leaving = new ObjectStore.Event("MODIFIED", out, in, 5);
        ObjectStore.Event v = ObjectStore.viewOf(leaving, web);
        assertEquals("DELETED", v.type());
        assertEquals("web", v.object().at("/metadata/labels/app").asText(), "the last state it matched");
        assertEquals("5", v.object().at("/metadata/resourceVersion").asText(), "at the event's version");
        assertEquals("ADDED", ObjectStore.viewOf(new ObjectStore.Event("MODIFIED", in, out, 6), web).type());
        ObjectStore.Event both = new ObjectStore.Event("MODIFIED", in, in, 7);
        assertSame(both, ObjectStore.viewOf(both, web));
        assertNull(ObjectStore.viewOf(new ObjectStore.Event("MODIFIED", out, out, 8), web));
        assertNull(ObjectStore.viewOf(new ObjectStore.Event("DELETED", out, out, 9), web));
        assertNotEquals(null, ObjectStore.viewOf(new ObjectStore.Event("DELETED", in, in, 9), web));
    }
}
