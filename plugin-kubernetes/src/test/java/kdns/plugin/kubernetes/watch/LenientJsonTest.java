package kdns.plugin.kubernetes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import kdns.plugin.kubernetes.model.Convert;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Date;
import kdns.plugin.kubernetes.model.SliceInfo;
import org.junit.jupiter.api.Test;

/**
 * What the API server legitimately sends and the client's generated validation rejects (the reason
 * for {@link LenientJson}): bookmark objects in both shapes, Go's {@code null} for an empty list, a
 * field the client's models do not know yet. Decoded leniently, the conversions see absent fields.
 */
class LenientJsonTest {

    private static JsonObject json(String s) {
        return JsonParser.parseString(s).getAsJsonObject();
    }

    @Test
    void whatTheGeneratedValidationRejectsIsRead() {
        String bare = """
                {"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1","metadata":{"resourceVersion":"4"}}""";
        String goEmpty = """
                {"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1",
                 "metadata":{"resourceVersion":"5","creationTimestamp":null},"addressType":"","endpoints":null}""";
        String podBookmark = """
                {"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"6","creationTimestamp":null},
                 "spec":{"containers":null},"status":{}}""";
        String emptySliceWithNewField = """
                {"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1",
                 "metadata":{"name":"s","namespace":"ns","resourceVersion":"7",
                   "labels":{"kubernetes.io/service-name":"svc"},"creationTimestamp":"2026-12-05T17:00:00Z"},
                 "addressType":"IPv4","endpoints":null,"ports":null,"aFieldFromANewerServer":{"x":1}}""";
        for (String s : new String[] {bare, goEmpty, emptySliceWithNewField}) {
            assertThrows(IllegalArgumentException.class, () -> JSON.getGson().fromJson(s, V1EndpointSlice.class),
                    "the generated validation rejects " + s);
            V1EndpointSlice slice = LenientJson.decode(json(s), V1EndpointSlice.class);
            assertTrue(slice.getMetadata().getResourceVersion().matches("[4-7]"));
        }
        assertThrows(IllegalArgumentException.class, () -> JSON.getGson().fromJson(podBookmark, V1Pod.class));
        assertEquals("6", LenientJson.decode(json(podBookmark), V1Pod.class).getMetadata().getResourceVersion());

        V1EndpointSlice empty = LenientJson.decode(json(emptySliceWithNewField), V1EndpointSlice.class);
        assertNull(empty.getEndpoints());
        assertEquals(2026, empty.getMetadata().getCreationTimestamp().getYear(), "dates decoded as the client does");
        SliceInfo info = Convert.slice(empty);
        assertEquals("svc", info.serviceName());
        assertTrue(info.endpoints().isEmpty());

        V1Service svc = LenientJson.decode(json("""
                {"metadata":{"name":"a","namespace":"b"},"spec":{"clusterIP":"10.0.0.1","ports":[
                 {"port":53,"targetPort":"dns","protocol":"UDP"}]}}"""), V1Service.class);
        assertEquals("dns", svc.getSpec().getPorts().get(0).getTargetPort().getStrValue(), "IntOrString");
    }

    /** What the generated Gson makes of {@code json} as {@code type}, or the class of what it throws. */
    private static Object generated(JsonElement json, Class<?> type) {
        try {
            return comparable(JSON.getGson().fromJson(json, type));
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }

    private static Object lenient(JsonElement json, Class<?> type) {
        try {
            return comparable(LenientJson.decode(json, type));
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }

    private static Object comparable(Object o) {
        return o instanceof byte[] b ? Arrays.toString(b) : o;
    }

    /**
     * The adapters for dates and bytes are made by LenientJson itself (not asked of the generated
     * Gson, which would load every model class): they read what the generated ones read, the same way.
     */
    @Test
    void datesAndBytesAreReadAsTheGeneratedGsonReadsThem() {
        String[] dateTimes = {"2026-12-05T17:00:00Z", "2026-12-05T17:00:00.123456Z", "2026-12-05T17:00:00.5Z",
            "2026-12-05T17:00:00+01:00", "2026-12-05", "not a date"};
        for (String s : dateTimes) {
            JsonPrimitive p = new JsonPrimitive(s);
            assertEquals(generated(p, OffsetDateTime.class), lenient(p, OffsetDateTime.class), s);
            assertEquals(generated(p, Date.class), lenient(p, Date.class), s);
            assertEquals(generated(p, LocalDate.class), lenient(p, LocalDate.class), s);
        }
        assertEquals(OffsetDateTime.parse("2026-12-05T17:00:00.123456Z"),
                lenient(new JsonPrimitive("2026-12-05T17:00:00.123456Z"), OffsetDateTime.class));
        for (String s : new String[] {"a2Rucw==", "", "kdns"}) {
            JsonPrimitive p = new JsonPrimitive(s);
            assertEquals(generated(p, byte[].class), lenient(p, byte[].class), s);
        }
        assertEquals("[107, 100, 110, 115]", lenient(new JsonPrimitive("a2Rucw=="), byte[].class));
    }
}
