package kdns.plugin.kubernetes.watch;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.stream.JsonReader;
import io.kubernetes.client.openapi.JSON;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Date;

/**
 * Decodes API objects into the client's generated models without the generated validation.
 *
 * <p>Why: every generated model's type adapter checks the JSON before decoding it, and rejects
 * what a real API server legitimately sends: a required field that is absent or {@code null}
 * (a BOOKMARK is an object of the watched kind holding only {@code metadata.resourceVersion},
 * or Go's encoding of an empty object, {@code "endpoints":null,"addressType":""}; an
 * EndpointSlice without endpoints is stored with {@code "endpoints":null} too), and any field the
 * model does not know (every field a newer API server adds). One such object ends the watch and
 * the informer lists everything again, over and over. The API server is the authority on what is
 * valid; kdns reads what it needs and treats what is absent as absent (the conversions are
 * null-safe). So this Gson has the client's adapters for dates and bytes (taken from the
 * generated {@link JSON}'s Gson) and decodes the models field by field with Gson's reflective
 * adapter (the same adapter the generated code delegates to after its checks), but without the
 * generated per-model factories that run the checks.
 *
 * <p>Watch event lines are decoded by {@link PagedListerWatcher} itself: the event type first, and
 * for a BOOKMARK nothing but {@code metadata.resourceVersion}.
 */
final class LenientJson {

    private static final Gson GSON = create();

    private LenientJson() {
    }

    private static Gson create() {
        Gson generated = JSON.getGson();
        // JSON.createGson(): the client's builder (Status pre-processing, metadata exclusion) before
        // the generated model factories are registered on it.
        return JSON.createGson()
                .registerTypeAdapter(Date.class, generated.getAdapter(Date.class))
                .registerTypeAdapter(OffsetDateTime.class, generated.getAdapter(OffsetDateTime.class))
                .registerTypeAdapter(LocalDate.class, generated.getAdapter(LocalDate.class))
                .registerTypeAdapter(byte[].class, generated.getAdapter(byte[].class))
                .create();
    }

    /** The object as the model {@code type}, fields the model lacks ignored, missing ones null. */
    static <T> T decode(JsonElement json, Class<T> type) {
        return GSON.fromJson(json, type);
    }

    /** The next value of {@code in} as the model {@code type}, as {@link #decode(JsonElement, Class)} decodes its tree. */
    static <T> T decode(JsonReader in, Class<T> type) {
        return GSON.fromJson(in, type);
    }

    /** {@code o.metadata.<field>} as a string, or null. */
    static String metadata(JsonObject o, String field) {
        if (o == null) {
            return null;
        }
        JsonElement m = o.get("metadata");
        if (m == null || !m.isJsonObject()) {
            return null;
        }
        JsonElement v = m.getAsJsonObject().get(field);
        return v == null || !v.isJsonPrimitive() ? null : v.getAsString();
    }
}
