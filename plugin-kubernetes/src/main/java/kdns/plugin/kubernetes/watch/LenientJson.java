package kdns.plugin.kubernetes.watch;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.kubernetes.client.openapi.JSON;
import java.io.IOException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
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
 * null-safe). So this Gson has the client's adapters for dates and bytes (new instances of the
 * generated {@link JSON}'s adapter classes, set up as {@code JSON} sets up its own) and decodes the
 * models field by field with Gson's reflective adapter (the same adapter the generated code
 * delegates to after its checks), but without the generated per-model factories that run the checks.
 *
 * <p>The adapters are made here rather than asked of {@link JSON#getGson()}: the generated Gson
 * answers any {@code getAdapter} by asking its 694 per-model factories first, and each factory's
 * check loads its model class, so one such question loaded every model of the API (about 700
 * classes kdns never uses, all of them then in the AOT cache and in resident memory). Only the
 * models kdns decodes, and the types of their fields, are loaded now.
 *
 * <p>Watch event lines are decoded by {@link PagedListerWatcher} itself: the event type first, and
 * for a BOOKMARK nothing but {@code metadata.resourceVersion}.
 */
final class LenientJson {

    /**
     * The generated {@code JSON}'s own (private) formatter of date-times, built the same way:
     * RFC 3339 with an optional six-digit fraction and {@code Z} (the API server's form). Before
     * {@link Models}, which is made with it.
     */
    private static final DateTimeFormatter RFC3339_MICRO = new DateTimeFormatterBuilder()
            .parseDefaulting(ChronoField.OFFSET_SECONDS, 0)
            .append(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss"))
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 6, 6, true)
            .optionalEnd()
            .appendLiteral("Z")
            .toFormatter();

    /** The adapter the model Gson reads date-times with, also {@link #dateTime}'s. */
    private static final JSON.OffsetDateTimeTypeAdapter DATE_TIME = new JSON.OffsetDateTimeTypeAdapter(RFC3339_MICRO);

    /**
     * The model Gson, made at its first use: {@code JSON.createGson()} initialises the generated
     * {@code JSON} class, whose static initialiser makes its 694 per-model factories (about 700
     * classes). kdns's own readers ({@link ObjectReader}) decode the usual objects, and the
     * connection makes no {@code ApiClient} for the usual credentials, so a start that never needs
     * a model (or a {@code Status}) never loads them.
     */
    private static final class Models {
        static final Gson GSON = create();
    }

    private LenientJson() {
    }

    private static Gson create() {
        // JSON.createGson(): the client's builder (Status pre-processing, metadata exclusion) before
        // the generated model factories are registered on it; then the adapters JSON registers.
        return JSON.createGson()
                .registerTypeAdapter(Date.class, new JSON.DateTypeAdapter())
                .registerTypeAdapter(OffsetDateTime.class, DATE_TIME)
                .registerTypeAdapter(LocalDate.class, new JSON.LocalDateTypeAdapter())
                .registerTypeAdapter(byte[].class, new JSON.ByteArrayAdapter())
                .create();
    }

    /** The object as the model {@code type}, fields the model lacks ignored, missing ones null. */
    static <T> T decode(JsonElement json, Class<T> type) {
        return Models.GSON.fromJson(json, type);
    }

    /** The next value of {@code in} as the model {@code type}, as {@link #decode(JsonElement, Class)} decodes its tree. */
    static <T> T decode(JsonReader in, Class<T> type) {
        return Models.GSON.fromJson(in, type);
    }

    /**
     * The date-time {@code in} is at as the models read one (null for a JSON null), for
     * {@link ObjectReader}; a value that is not a string is {@link ObjectReader.Unsupported}, one
     * the client's format rejects throws as it does in a model.
     */
    static OffsetDateTime dateTime(JsonReader in) throws IOException {
        if (!ObjectReader.Values.present(in, JsonToken.STRING, "a date-time")) {
            return null;
        }
        return DATE_TIME.read(in);
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
