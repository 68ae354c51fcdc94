package kdns.plugin.kubernetes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import kdns.plugin.kubernetes.model.Convert;
import kdns.plugin.kubernetes.model.Fields;
import kdns.testing.cases.CaseFiles;
import org.junit.jupiter.api.Test;

/**
 * kdns's own reader of API objects ({@link ObjectReader}) against the way it replaces (the
 * generated model decoded by {@link LenientJson}, then {@link Convert}): for every object of the
 * kubernetes acceptance cases and fuzz inputs, and for a generated set where every value of a full
 * object of each kind is in turn absent, null or of each wrong JSON type, the reader either gives
 * the same payload and metadata as the model, or declines ({@link ObjectReader.Unsupported} or
 * another exception: the object then goes through the model, as before). It never takes an object
 * the model rejects, unless what the model rejects is a value kdns never reads.
 */
class ObjectReaderTest {

    /** One kind: its model, its reader and the two conversions the informers use. */
    private record Kind<T, F extends Fields.Object>(Class<T> model, ObjectReader<F> reader,
                                                    Function<T, Object> convertModel, Function<F, Object> convertRead,
                                                    Set<String> read) {
    }

    /** The paths each reader reads ({@code []} for every list item); a wrong value elsewhere is skipped unread. */
    private static final Kind<V1Service, Fields.Service> SERVICE = new Kind<>(V1Service.class, ObjectReader.SERVICE,
            Convert::service, Convert::serviceOf, Set.of("", "metadata", "metadata.namespace", "metadata.name",
            "metadata.resourceVersion", "spec", "spec.type", "spec.externalName", "spec.clusterIPs",
            "spec.clusterIPs[]", "spec.clusterIP", "spec.ports", "spec.ports[]", "spec.ports[].name",
            "spec.ports[].protocol", "spec.ports[].port", "spec.externalIPs", "spec.externalIPs[]", "status",
            "status.loadBalancer", "status.loadBalancer.ingress", "status.loadBalancer.ingress[]",
            "status.loadBalancer.ingress[].ip", "status.loadBalancer.ingress[].hostname"));
    private static final Kind<V1EndpointSlice, Fields.Slice> SLICE = new Kind<>(V1EndpointSlice.class,
            ObjectReader.SLICE, Convert::slice, Convert::sliceOf, Set.of("", "metadata", "metadata.namespace",
            "metadata.name", "metadata.resourceVersion", "metadata.labels", "metadata.labels.*",
            "metadata.annotations", "metadata.annotations.*", "endpoints", "endpoints[]",
            "endpoints[].conditions", "endpoints[].conditions.ready", "endpoints[].addresses",
            "endpoints[].addresses[]", "endpoints[].targetRef", "endpoints[].targetRef.name",
            "endpoints[].hostname", "endpoints[].nodeName", "endpoints[].zone", "ports", "ports[]", "ports[].name",
            "ports[].protocol", "ports[].port"));
    private static final Kind<V1Pod, Fields.Pod> POD = new Kind<>(V1Pod.class, ObjectReader.POD, Convert::pod,
            Convert::podOf, Set.of("", "metadata", "metadata.namespace", "metadata.name", "metadata.resourceVersion",
            "metadata.labels", "metadata.labels.*", "metadata.deletionTimestamp", "status", "status.podIP"));
    private static final Kind<V1Namespace, Fields.Namespace> NAMESPACE = new Kind<>(V1Namespace.class,
            ObjectReader.NAMESPACE, n -> n.getMetadata().getName(), f -> f.meta().name(), Set.of("", "metadata",
            "metadata.namespace", "metadata.name", "metadata.resourceVersion"));

    private static final String FULL_SERVICE = """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","namespace":"ns","resourceVersion":"12",
             "labels":{"a":"b"},"annotations":{"x":"y"},"creationTimestamp":"2024-01-01T00:00:00Z"},
             "spec":{"type":"LoadBalancer","clusterIP":"10.0.0.1","clusterIPs":["10.0.0.1","fd00::1"],
              "externalName":"ext.example.com","ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080},
              {"name":"dns","protocol":"UDP","port":53}],"externalIPs":["192.0.2.1"],"sessionAffinity":"None"},
             "status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.2"},{"hostname":"lb.example.com"}]}}}""";
    private static final String FULL_SLICE = """
            {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","addressType":"IPv4",
             "metadata":{"name":"svc-1","namespace":"ns","resourceVersion":"13",
              "labels":{"kubernetes.io/service-name":"svc","x":"y"},
              "annotations":{"endpoints.kubernetes.io/last-change-trigger-time":"2024-01-01T00:00:00Z"}},
             "endpoints":[{"addresses":["10.0.0.1","10.0.0.3"],"conditions":{"ready":true,"serving":true},
              "hostname":"ep","nodeName":"node1","zone":"z1","targetRef":{"kind":"Pod","name":"pod1"}},
              {"addresses":["10.0.0.2"],"conditions":{"ready":false}}],
             "ports":[{"name":"http","protocol":"TCP","port":80,"appProtocol":"http"}]}""";
    private static final String FULL_POD = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns","resourceVersion":"14",
             "labels":{"app":"x","tier":"web"}},"spec":{"nodeName":"node1"},
             "status":{"podIP":"10.1.0.1","phase":"Running"}}""";
    private static final String DELETED_POD = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns","resourceVersion":"15",
             "deletionTimestamp":"2024-01-01T00:00:00.123456Z"},"status":{"podIP":"10.1.0.1"}}""";
    private static final String FULL_NAMESPACE = """
            {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns","resourceVersion":"16",
             "labels":{"a":"b"}},"status":{"phase":"Active"}}""";

    /** What the informer keeps of an object (a SlimObject's parts), or how the decoding failed. */
    private record Outcome(String namespace, String name, String resourceVersion, Object payload, String failure) {
        static Outcome failed(Throwable t) {
            return new Outcome(null, null, null, null, t.getClass().getSimpleName());
        }
    }

    @Test
    void everyAcceptanceObjectReadsAsTheModelDoes() throws IOException {
        List<JsonObject> objects = acceptanceObjects();
        assertTrue(objects.size() > 40, "the acceptance cases have objects: " + objects.size());
        int read = 0;
        for (JsonObject o : objects) {
            Kind<?, ?> kind = kind(o);
            if (kind == null) {
                continue;
            }
            Outcome model = viaModel(kind, o);
            Outcome own = viaReader(kind, o.toString());
            assertEquals(model, own, () -> "object " + o);
            assertEquals(model, viaTree(kind, o), () -> "object (tree) " + o);
            read++;
        }
        assertTrue(read > 40, "objects of the four kinds: " + read);
    }

    @Test
    void everyValueAbsentNullOrOfAnotherTypeReadsAsTheModelDoesOrGoesToTheModel() {
        int compared = 0;
        int declined = 0;
        int unreadOnly = 0;
        for (String full : List.of(FULL_SERVICE, FULL_SLICE, FULL_POD, DELETED_POD, FULL_NAMESPACE)) {
            JsonObject base = JsonParser.parseString(full).getAsJsonObject();
            Kind<?, ?> kind = kind(base);
            assertEquals(viaModel(kind, base), viaReader(kind, base.toString()), full);
            for (Variant v : variants(base)) {
                Outcome model = viaModel(kind, v.object());
                Outcome own = viaReader(kind, v.object().toString());
                if (own.failure() != null) {
                    declined++; // the object goes through the model, as before
                    continue;
                }
                if (model.failure() != null && !kind.read().contains(v.path())) {
                    unreadOnly++; // the model rejects a value kdns never reads
                    continue;
                }
                assertEquals(model, own, () -> v.path() + " " + v.change() + ": " + v.object());
                assertEquals(model, viaTree(kind, v.object()), () -> "(tree) " + v.path() + " " + v.change());
                compared++;
            }
        }
        assertTrue(compared > 300, "variants compared: " + compared);
        assertTrue(declined > 50, "variants declined: " + declined);
        assertTrue(unreadOnly > 10, "variants wrong only where kdns does not read: " + unreadOnly);
    }

    @Test
    void aValueTheModelsGsonConvertsIsLeftToTheModel() {
        // Gson turns a number into the text of a string field, a string into the number of an
        // integer field, and a string into a boolean: the reader declines, the model decides.
        for (String odd : List.of(
                "{\"metadata\":{\"name\":7,\"namespace\":\"ns\"}}",
                "{\"metadata\":{\"name\":\"svc\",\"namespace\":\"ns\"},\"spec\":{\"ports\":[{\"port\":\"80\"}]}}")) {
            assertThrows(ObjectReader.Unsupported.class, () -> readAll(odd, ObjectReader.SERVICE), odd);
            assertEquals(null, viaModel(SERVICE, JsonParser.parseString(odd).getAsJsonObject()).failure(), odd);
        }
        for (String odd : List.of(
                "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\",\"labels\":[[\"a\",\"b\"]]}}",
                "{\"metadata\":{\"name\":\"p\",\"labels\":{\"a\":\"b\",\"a\":\"c\"}}}")) {
            assertThrows(ObjectReader.Unsupported.class, () -> readAll(odd, ObjectReader.POD), odd);
        }
        String readyText = "{\"metadata\":{\"name\":\"s\",\"labels\":{\"kubernetes.io/service-name\":\"svc\"}},"
                + "\"endpoints\":[{\"addresses\":[\"10.0.0.1\"],\"conditions\":{\"ready\":\"false\"}}]}";
        assertThrows(ObjectReader.Unsupported.class, () -> readAll(readyText, ObjectReader.SLICE));
        assertFalse(viaModel(SLICE, JsonParser.parseString(readyText).getAsJsonObject()).failure() != null,
                "the model takes it");
    }

    @Test
    void aDeletionTimestampTheClientRejectsIsLeftToTheModelWhichRejectsIt() {
        String odd = "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\",\"deletionTimestamp\":\"yesterday\"}}";
        assertThrows(RuntimeException.class, () -> readAll(odd, ObjectReader.POD));
        assertEquals("DateTimeParseException",
                viaModel(POD, JsonParser.parseString(odd).getAsJsonObject()).failure());
    }

    @Test
    void aNamespaceWithoutMetadataIsLeftToTheModelWhoseConversionFails() {
        assertThrows(ObjectReader.Unsupported.class, () -> readAll("{\"kind\":\"Namespace\"}", ObjectReader.NAMESPACE));
        assertThrows(ObjectReader.Unsupported.class,
                () -> readAll("{\"metadata\":null}", ObjectReader.NAMESPACE));
    }

    // ---- the two ways -----------------------------------------------------------------------------

    /** The model as the informers decoded it before ({@link LenientJson}), then its conversion. */
    @SuppressWarnings("unchecked")
    private static <T> Outcome viaModel(Kind<T, ?> kind, JsonObject o) {
        T model;
        try {
            model = LenientJson.decode(o, kind.model());
        } catch (RuntimeException e) {
            return Outcome.failed(e);
        }
        V1ObjectMeta m = ((KubernetesObject) model).getMetadata();
        Object payload;
        try {
            payload = kind.convertModel().apply(model);
        } catch (RuntimeException e) {
            return Outcome.failed(e);
        }
        return m == null ? new Outcome(null, null, null, payload, null)
                : new Outcome(m.getNamespace(), m.getName(), m.getResourceVersion(), payload, null);
    }

    private static <F extends Fields.Object> Outcome viaReader(Kind<?, F> kind, String json) {
        F fields;
        try {
            fields = readAll(json, kind.reader());
        } catch (IOException | RuntimeException e) {
            return Outcome.failed(e);
        }
        return outcome(kind, fields);
    }

    /** The reader over a JSON tree, as the paged list runs it. */
    private static <F extends Fields.Object> Outcome viaTree(Kind<?, F> kind, JsonObject o) {
        F fields;
        try {
            fields = PagedListerWatcher.fromTree(kind.reader(), o);
        } catch (RuntimeException e) {
            return Outcome.failed(e);
        }
        return outcome(kind, fields);
    }

    private static <F extends Fields.Object> Outcome outcome(Kind<?, F> kind, F fields) {
        Object payload;
        try {
            payload = kind.convertRead().apply(fields);
        } catch (RuntimeException e) {
            return Outcome.failed(e);
        }
        Fields.Meta m = fields.meta();
        return m == null ? new Outcome(null, null, null, payload, null)
                : new Outcome(m.namespace(), m.name(), m.resourceVersion(), payload, null);
    }

    private static <F extends Fields.Object> F readAll(String json, ObjectReader<F> reader) throws IOException {
        try (JsonReader in = new JsonReader(new StringReader(json))) {
            return reader.read(in);
        }
    }

    private static Kind<?, ?> kind(JsonObject o) {
        JsonElement k = o.get("kind");
        return k == null ? null : switch (k.getAsString()) {
            case "Service" -> SERVICE;
            case "EndpointSlice" -> SLICE;
            case "Pod" -> POD;
            case "Namespace" -> NAMESPACE;
            default -> null;
        };
    }

    // ---- the objects --------------------------------------------------------------------------------

    /** Every object of cases/kubernetes.json (main, extra and suites' objects), cases/corners.json and the fuzz inputs. */
    private static List<JsonObject> acceptanceObjects() throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        JsonNode root = CaseFiles.read("kubernetes.json");
        root.get("objects").forEach(nodes::add);
        root.get("extra_objects").forEach(list -> list.forEach(nodes::add));
        root.get("suites").forEach(s -> {
            if (s.has("objects")) {
                s.get("objects").forEach(nodes::add);
            }
        });
        CaseFiles.read("corners.json").get("extra_objects").forEach(nodes::add);
        List<JsonObject> out = new ArrayList<>();
        for (JsonNode n : nodes) {
            out.add(JsonParser.parseString(n.toString()).getAsJsonObject());
        }
        Path fuzz = Path.of("src/test/resources/kdns/plugin/kubernetes/fuzz/KubeObjectFuzzTestInputs/decodeAndAnswer");
        try (Stream<Path> files = Files.list(fuzz)) {
            for (Path f : files.sorted().toList()) {
                try {
                    JsonElement e = JsonParser.parseString(Files.readString(f));
                    if (e.isJsonObject()) {
                        out.add(e.getAsJsonObject());
                    }
                } catch (RuntimeException notJson) {
                    // a fuzz input need not be JSON
                }
            }
        }
        return out;
    }

    /** One changed copy of an object: the value at {@code path} changed as {@code change} says. */
    private record Variant(String path, String change, JsonObject object) {
    }

    /** The values a value may be replaced with: null and one of each JSON type. */
    private static final Map<String, JsonElement> REPLACEMENTS = Map.of(
            "null", JsonNull.INSTANCE, "number", new JsonPrimitive(7), "fraction", new JsonPrimitive(7.5),
            "boolean", new JsonPrimitive(true), "string", new JsonPrimitive("x"), "object", new JsonObject(),
            "array", new JsonArray(), "date", new JsonPrimitive("2024-01-01T00:00:00Z"));

    /** For every value of {@code base} (members and list items, at any depth): absent, and each replacement. */
    private static List<Variant> variants(JsonObject base) {
        List<Variant> out = new ArrayList<>();
        collect(base, base, "", new ArrayList<>(), out);
        return out;
    }

    private static void collect(JsonObject root, JsonElement at, String path, List<Object> steps, List<Variant> out) {
        if (at.isJsonObject()) {
            for (String key : at.getAsJsonObject().keySet()) {
                List<Object> next = new ArrayList<>(steps);
                next.add(key);
                String p = path.isEmpty() ? key : path + "." + key;
                String readPath = path.endsWith("labels") || path.endsWith("annotations") ? path + ".*" : p;
                vary(root, next, readPath, out);
                collect(root, at.getAsJsonObject().get(key), p, next, out);
            }
        } else if (at.isJsonArray()) {
            for (int i = 0; i < at.getAsJsonArray().size(); i++) {
                List<Object> next = new ArrayList<>(steps);
                next.add(i);
                vary(root, next, path + "[]", out);
                collect(root, at.getAsJsonArray().get(i), path + "[]", next, out);
            }
        }
    }

    private static void vary(JsonObject root, List<Object> steps, String path, List<Variant> out) {
        if (steps.getLast() instanceof String) {
            out.add(new Variant(path, "absent", changed(root, steps, null)));
        }
        REPLACEMENTS.forEach((name, value) -> out.add(new Variant(path, name, changed(root, steps, value))));
    }

    /** A copy of {@code root} with the value at {@code steps} replaced ({@code value} null: removed). */
    private static JsonObject changed(JsonObject root, List<Object> steps, JsonElement value) {
        JsonObject copy = root.deepCopy();
        JsonElement parent = copy;
        for (Object step : steps.subList(0, steps.size() - 1)) {
            parent = step instanceof String s ? parent.getAsJsonObject().get(s) : parent.getAsJsonArray().get((Integer) step);
        }
        Object last = steps.getLast();
        if (last instanceof String s) {
            if (value == null) {
                parent.getAsJsonObject().remove(s);
            } else {
                parent.getAsJsonObject().add(s, value.deepCopy());
            }
        } else {
            parent.getAsJsonArray().set((Integer) last, value.deepCopy());
        }
        return copy;
    }
}
