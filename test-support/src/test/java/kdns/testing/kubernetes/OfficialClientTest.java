package kdns.testing.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.DiscoveryV1Api;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1EndpointSliceList;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NamespaceList;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import kdns.testing.Polling;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official client (client-java informers, GenericKubernetesApi, DynamicKubernetesApi, the
 * generated API classes) against the fake API server, configured through the kubeconfig it writes.
 */
@Timeout(90)
class OfficialClientTest {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration CONVERGE = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private FakeApiServer api;
    private ApiClient client;
    private SharedInformerFactory factory;

    @BeforeEach
    void start() throws Exception {
        api = FakeApiServer.start();
        api.create(KubeObjects.namespace("ns1").build());
        try (Reader r = Files.newBufferedReader(api.kubeconfig(dir))) {
            client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(r)).build();
        }
        client.setReadTimeout(0);
        factory = new SharedInformerFactory(client);
    }

    @AfterEach
    void stop() {
        try {
            factory.stopAllRegisteredInformers();
        } finally {
            api.close();
        }
    }

    /** Records informer callbacks as "ADD ns/name", "UPDATE ns/name", "DELETE ns/name". */
    static final class Recorder<T extends KubernetesObject> implements ResourceEventHandler<T> {
        final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();

        private static String key(KubernetesObject o) {
            String ns = o.getMetadata().getNamespace();
            return (ns == null ? "" : ns + "/") + o.getMetadata().getName();
        }

        @Override
        public void onAdd(T obj) {
            events.add("ADD " + key(obj));
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            events.add("UPDATE " + key(newObj));
        }

        @Override
        public void onDelete(T obj, boolean finalStateUnknown) {
            events.add("DELETE " + key(obj));
        }

        /** Waits up to {@code within} for this event, skipping others. */
        void expect(String event, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            List<String> seen = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                String e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (e == null) {
                    break;
                }
                if (e.equals(event)) {
                    return;
                }
                seen.add(e);
            }
            fail("no '" + event + "' within " + within + "; saw " + seen);
        }
    }

    private static void await(Duration within, BooleanSupplier condition, String what) throws InterruptedException {
        Polling.eventually(what, within, condition);
    }

    private SharedIndexInformer<V1Service> serviceInformer() {
        return factory.sharedIndexInformerFor(new GenericKubernetesApi<>(V1Service.class,
                V1ServiceList.class, "", "v1", "services", client), V1Service.class, 0);
    }

    @Test
    void coreInformersSyncAndFollowChanges() throws Exception {
        api.create(KubeObjects.service("ns1", "a").clusterIP("10.0.0.1").port("http", "TCP", 80).build());
        api.create(KubeObjects.endpointSlice("ns1", "a-1").service("a").endpoints("10.1.0.1").port("http", "TCP", 80).build());
        api.create(KubeObjects.pod("ns1", "p").ip("10.2.0.1").build());
        CoreV1Api core = new CoreV1Api(client);

        SharedIndexInformer<V1Service> services = serviceInformer();
        SharedIndexInformer<V1EndpointSlice> slices = factory.sharedIndexInformerFor(
                new GenericKubernetesApi<>(V1EndpointSlice.class, V1EndpointSliceList.class,
                        "discovery.k8s.io", "v1", "endpointslices", client), V1EndpointSlice.class, 0);
        SharedIndexInformer<V1Namespace> namespaces = factory.sharedIndexInformerFor(
                p -> core.listNamespace().resourceVersion(p.resourceVersion).timeoutSeconds(p.timeoutSeconds)
                        .watch(p.watch).allowWatchBookmarks(true).buildCall(null),
                V1Namespace.class, V1NamespaceList.class);
        SharedIndexInformer<V1Pod> pods = factory.sharedIndexInformerFor(
                p -> core.listPodForAllNamespaces().resourceVersion(p.resourceVersion).timeoutSeconds(p.timeoutSeconds)
                        .watch(p.watch).allowWatchBookmarks(true).buildCall(null),
                V1Pod.class, V1PodList.class);
        Recorder<V1Service> svcEvents = new Recorder<>();
        Recorder<V1EndpointSlice> sliceEvents = new Recorder<>();
        Recorder<V1Namespace> nsEvents = new Recorder<>();
        Recorder<V1Pod> podEvents = new Recorder<>();
        services.addEventHandler(svcEvents);
        slices.addEventHandler(sliceEvents);
        namespaces.addEventHandler(nsEvents);
        pods.addEventHandler(podEvents);
        factory.startAllRegisteredInformers();
        await(CONVERGE, () -> services.hasSynced() && slices.hasSynced() && namespaces.hasSynced() && pods.hasSynced(),
                "all four informers synced");

        V1Service a = services.getIndexer().getByKey("ns1/a");
        assertNotNull(a);
        assertEquals("10.0.0.1", a.getSpec().getClusterIP());
        assertEquals(80, a.getSpec().getPorts().get(0).getPort());
        V1EndpointSlice s = slices.getIndexer().getByKey("ns1/a-1");
        assertEquals("a", s.getMetadata().getLabels().get("kubernetes.io/service-name"));
        assertEquals(Boolean.TRUE, s.getEndpoints().get(0).getConditions().getReady());
        assertEquals("10.2.0.1", pods.getIndexer().getByKey("ns1/p").getStatus().getPodIP());
        assertNotNull(namespaces.getIndexer().getByKey("ns1"));
        await(CONVERGE, () -> api.activeWatches() == 4, "four watches open");

        api.create(KubeObjects.service("ns1", "b").headless().build());
        svcEvents.expect("ADD ns1/b", SECOND);
        api.apply(KubeObjects.service("ns1", "b").headless().label("x", "y").build());
        svcEvents.expect("UPDATE ns1/b", SECOND);
        assertEquals("y", services.getIndexer().getByKey("ns1/b").getMetadata().getLabels().get("x"));
        api.delete("services", "ns1", "b");
        svcEvents.expect("DELETE ns1/b", SECOND);
        assertNull(services.getIndexer().getByKey("ns1/b"));

        api.apply(KubeObjects.endpointSlice("ns1", "a-1").service("a")
                .endpoint(KubeObjects.endpoint("10.1.0.1").ready(false)).port("http", "TCP", 80).build());
        sliceEvents.expect("UPDATE ns1/a-1", SECOND);
        assertEquals(Boolean.FALSE, slices.getIndexer().getByKey("ns1/a-1").getEndpoints().get(0).getConditions().getReady());
        assertEquals(2L, slices.getIndexer().getByKey("ns1/a-1").getMetadata().getGeneration());

        api.create(KubeObjects.namespace("ns2").build());
        nsEvents.expect("ADD ns2", SECOND);
        api.create(KubeObjects.pod("ns2", "q").ip("10.2.0.2").build());
        podEvents.expect("ADD ns2/q", SECOND);
        api.delete("namespaces", null, "ns2");
        podEvents.expect("DELETE ns2/q", SECOND);
        nsEvents.expect("DELETE ns2", SECOND);
    }

    @Test
    void dynamicServiceImportInformer() throws Exception {
        api.create(KubeObjects.serviceImport("ns1", "si").ips("10.5.0.1").port("http", "TCP", 80).clusters("c1").build());
        DynamicKubernetesApi dyn = new DynamicKubernetesApi("multicluster.x-k8s.io", "v1alpha1", "serviceimports", client);
        SharedIndexInformer<DynamicKubernetesObject> imports =
                factory.sharedIndexInformerFor(dyn, DynamicKubernetesObject.class, 0);
        Recorder<DynamicKubernetesObject> events = new Recorder<>();
        imports.addEventHandler(events);
        factory.startAllRegisteredInformers();
        await(CONVERGE, imports::hasSynced, "serviceimports informer synced");
        DynamicKubernetesObject si = imports.getIndexer().getByKey("ns1/si");
        assertNotNull(si);
        assertEquals("10.5.0.1", si.getRaw().getAsJsonObject("spec").getAsJsonArray("ips").get(0).getAsString());
        assertEquals("c1", si.getRaw().getAsJsonObject("status").getAsJsonArray("clusters").get(0)
                .getAsJsonObject().get("cluster").getAsString());
        events.expect("ADD ns1/si", SECOND);

        api.create(KubeObjects.serviceImport("ns1", "hl").type("Headless").build());
        events.expect("ADD ns1/hl", SECOND);
        api.apply(KubeObjects.serviceImport("ns1", "si").ips("10.5.0.2").port("http", "TCP", 80).clusters("c1").build());
        events.expect("UPDATE ns1/si", SECOND);
        assertEquals("10.5.0.2", imports.getIndexer().getByKey("ns1/si").getRaw().getAsJsonObject("spec")
                .getAsJsonArray("ips").get(0).getAsString());
        api.delete("serviceimports", "ns1", "hl");
        events.expect("DELETE ns1/hl", SECOND);
    }

    private long countRequests(String prefix) {
        return api.requests().stream().filter(r -> r.startsWith(prefix)).count();
    }

    @Test
    void afterDroppedWatchesTheInformerRelistsAndConverges() throws Exception {
        SharedIndexInformer<V1Service> services = serviceInformer();
        factory.startAllRegisteredInformers();
        await(CONVERGE, services::hasSynced, "synced");
        await(CONVERGE, () -> api.activeWatches() == 1, "watching");
        long watchesBefore = countRequests("GET /api/v1/services?") - countListRequests();
        api.dropAllWatches();
        api.create(KubeObjects.service("ns1", "while-dropped").build());
        await(CONVERGE, () -> services.getIndexer().getByKey("ns1/while-dropped") != null, "converged");
        await(CONVERGE, () -> api.activeWatches() == 1, "watching again");
        assertTrue(countRequests("GET /api/v1/services?") - countListRequests() > watchesBefore);
        api.create(KubeObjects.service("ns1", "after").build());
        await(SECOND, () -> services.getIndexer().getByKey("ns1/after") != null, "live again");
    }

    private long countListRequests() {
        return api.requests().stream()
                .filter(r -> r.startsWith("GET /api/v1/services?") && !r.contains("watch=true")).count();
    }

    @Test
    void aWatchFromACompactedVersionGets410AndTheInformerRelists() throws Exception {
        SharedIndexInformer<V1Service> services = serviceInformer();
        factory.startAllRegisteredInformers();
        await(CONVERGE, services::hasSynced, "synced");
        await(CONVERGE, () -> api.activeWatches() == 1, "watching");
        String lastSync = services.lastSyncResourceVersion();
        api.create(KubeObjects.namespace("other").build()); // moves the global version past lastSync
        api.compact();
        long listsBefore = countListRequests();
        api.endAllWatches(); // the client watches again from lastSync: 410
        api.create(KubeObjects.service("ns1", "after-compaction").build());
        await(CONVERGE, () -> api.requests().stream().filter(r -> r.startsWith("GET /api/v1/services?")
                && r.contains("resourceVersion=" + lastSync + "&") && r.contains("watch=true")).count() >= 2,
                "a watch again from " + lastSync);
        await(CONVERGE, () -> countListRequests() > listsBefore, "relisted after 410");
        await(CONVERGE, () -> services.getIndexer().getByKey("ns1/after-compaction") != null, "converged");
        await(CONVERGE, () -> api.activeWatches() == 1, "watching again");
        api.delete("services", "ns1", "after-compaction");
        await(SECOND, () -> services.getIndexer().getByKey("ns1/after-compaction") == null, "live again");
    }

    @Test
    void selectorsOnInformers() throws Exception {
        api.create(KubeObjects.endpointSlice("ns1", "local-1").service("a").endpoints("10.1.0.1").build());
        api.create(KubeObjects.endpointSlice("ns1", "mc-1").multiclusterService("a", "c1").endpoints("10.1.0.2").build());
        api.create(KubeObjects.pod("ns1", "running").ip("10.2.0.1").build());
        api.create(KubeObjects.pod("ns1", "pending").phase("Pending").build());
        DiscoveryV1Api discovery = new DiscoveryV1Api(client);
        CoreV1Api core = new CoreV1Api(client);
        SharedIndexInformer<V1EndpointSlice> mcSlices = factory.sharedIndexInformerFor(
                p -> discovery.listEndpointSliceForAllNamespaces().labelSelector("multicluster.kubernetes.io/service-name")
                        .resourceVersion(p.resourceVersion).timeoutSeconds(p.timeoutSeconds).watch(p.watch).buildCall(null),
                V1EndpointSlice.class, V1EndpointSliceList.class);
        SharedIndexInformer<V1Pod> running = factory.sharedIndexInformerFor(
                p -> core.listPodForAllNamespaces().fieldSelector("status.phase=Running")
                        .resourceVersion(p.resourceVersion).timeoutSeconds(p.timeoutSeconds).watch(p.watch).buildCall(null),
                V1Pod.class, V1PodList.class);
        Recorder<V1EndpointSlice> sliceEvents = new Recorder<>();
        Recorder<V1Pod> podEvents = new Recorder<>();
        mcSlices.addEventHandler(sliceEvents);
        running.addEventHandler(podEvents);
        factory.startAllRegisteredInformers();
        await(CONVERGE, () -> mcSlices.hasSynced() && running.hasSynced(), "synced");
        assertEquals(List.of("mc-1"), mcSlices.getIndexer().list().stream().map(x -> x.getMetadata().getName()).toList());
        assertEquals(List.of("running"), running.getIndexer().list().stream().map(x -> x.getMetadata().getName()).toList());
        await(CONVERGE, () -> api.activeWatches() == 2, "watching");

        api.create(KubeObjects.endpointSlice("ns1", "local-2").service("b").endpoints("10.1.0.3").build());
        api.apply(KubeObjects.endpointSlice("ns1", "local-1").multiclusterService("a", "c2").endpoints("10.1.0.1").build());
        sliceEvents.expect("ADD ns1/local-1", SECOND);
        api.apply(KubeObjects.endpointSlice("ns1", "mc-1").service("a").endpoints("10.1.0.2").build());
        sliceEvents.expect("DELETE ns1/mc-1", SECOND);
        assertEquals(List.of("local-1"), mcSlices.getIndexer().list().stream().map(x -> x.getMetadata().getName()).toList());

        api.apply(KubeObjects.pod("ns1", "running").ip("10.2.0.1").phase("Succeeded").build());
        podEvents.expect("DELETE ns1/running", SECOND);
        api.apply(KubeObjects.pod("ns1", "pending").ip("10.2.0.9").build());
        podEvents.expect("ADD ns1/pending", SECOND);
        assertEquals("10.2.0.9", running.getIndexer().getByKey("ns1/pending").getStatus().getPodIP());
    }

    @Test
    void pagingWithTheGeneratedClient() throws Exception {
        for (int i = 0; i < 20; i++) {
            api.create(KubeObjects.service("ns1", "s" + i).build());
        }
        CoreV1Api core = new CoreV1Api(client);
        Set<String> names = new HashSet<>();
        String cont = null;
        int pages = 0;
        do {
            V1ServiceList page = core.listServiceForAllNamespaces().limit(7)._continue(cont).execute();
            page.getItems().forEach(s -> names.add(s.getMetadata().getName()));
            cont = page.getMetadata().getContinue();
            if (pages == 0) {
                assertEquals(13L, page.getMetadata().getRemainingItemCount());
            }
            pages++;
        } while (cont != null && !cont.isEmpty() && pages < 10);
        assertEquals(3, pages);
        assertEquals(20, names.size());
        V1ServiceList selected = core.listNamespacedService("ns1").fieldSelector("metadata.name=s3").execute();
        assertEquals(1, selected.getItems().size());
        assertNotNull(selected.getMetadata().getResourceVersion());
    }

    @Test
    void informerRecoversFromServerErrors() throws Exception {
        SharedIndexInformer<V1Service> services = serviceInformer();
        api.failNextRequests(2, 500);
        factory.startAllRegisteredInformers();
        await(CONVERGE, services::hasSynced, "synced after two failed LISTs");
        await(CONVERGE, () -> api.activeWatches() == 1, "watching");
        api.failNextRequests(3, 500);
        api.dropAllWatches();
        api.create(KubeObjects.service("ns1", "during-errors").build());
        await(CONVERGE, () -> services.getIndexer().getByKey("ns1/during-errors") != null, "converged after 500s");
        // 2 failed LISTs, a LIST and a watch; after the drop 3 failed requests and a good LIST
        assertTrue(api.requests().size() >= 2 + 2 + 3 + 1, api.requests().toString());
    }

    @Test
    void informersSurviveAnApiServerRestart() throws Exception {
        SharedIndexInformer<V1Service> services = serviceInformer();
        factory.startAllRegisteredInformers();
        await(CONVERGE, services::hasSynced, "synced");
        api.stop();
        ObjectNode created = api.create(KubeObjects.service("ns1", "while-down").build());
        assertNotNull(created);
        Thread.sleep(1500);
        api.restart();
        await(CONVERGE, () -> services.getIndexer().getByKey("ns1/while-down") != null, "converged after restart");
    }

    @Test
    void httpsWithTheKubeconfigsCertificate() throws Exception {
        try (FakeApiServer tls = FakeApiServer.startHttps()) {
            assertTrue(tls.url().startsWith("https://127.0.0.1:"));
            assertTrue(tls.caCertificatePem().startsWith("-----BEGIN CERTIFICATE-----"));
            tls.create(KubeObjects.namespace("ns1").build());
            tls.create(KubeObjects.service("ns1", "secure").clusterIP("10.0.0.9").build());
            ApiClient c;
            try (Reader r = Files.newBufferedReader(tls.kubeconfig(dir.resolve("tls")))) {
                c = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(r)).build();
            }
            c.setReadTimeout(0);
            SharedInformerFactory f = new SharedInformerFactory(c);
            try {
                SharedIndexInformer<V1Service> services = f.sharedIndexInformerFor(new GenericKubernetesApi<>(
                        V1Service.class, V1ServiceList.class, "", "v1", "services", c), V1Service.class, 0);
                f.startAllRegisteredInformers();
                await(CONVERGE, services::hasSynced, "synced over TLS");
                assertEquals("10.0.0.9", services.getIndexer().getByKey("ns1/secure").getSpec().getClusterIP());
                tls.create(KubeObjects.service("ns1", "second").build());
                await(SECOND, () -> services.getIndexer().getByKey("ns1/second") != null, "watched over TLS");
            } finally {
                f.stopAllRegisteredInformers();
            }
        }
        assertThrows(IllegalStateException.class, () -> api.caCertificatePem());
    }
}
