package kdns.testing.kubernetes;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * An API error as the real API server reports it: an HTTP code, a {@code reason} such as
 * {@code NotFound} or {@code AlreadyExists}, and a message. Over HTTP it becomes a
 * {@code kind: Status} body; the direct Java API of {@link FakeApiServer} throws it.
 */
public final class KubeApiException extends RuntimeException {

    private final int code;
    private final String reason;
    private final ObjectNode details;

    KubeApiException(int code, String reason, String message) {
        this(code, reason, message, null);
    }

    KubeApiException(int code, String reason, String message, ObjectNode details) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.details = details;
    }

    /** The HTTP status code (404, 409, 410, 422, ...). */
    public int code() {
        return code;
    }

    /** The Status reason ({@code NotFound}, {@code AlreadyExists}, {@code Conflict}, {@code Invalid}, ...). */
    public String reason() {
        return reason;
    }

    /** This error as the {@code kind: Status} object the API server sends. */
    public ObjectNode toStatus() {
        return status(code, reason, getMessage(), details);
    }

    static ObjectNode status(int code, String reason, String message, ObjectNode details) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Failure");
        s.put("message", message);
        s.put("reason", reason);
        if (details != null) {
            s.set("details", details);
        }
        s.put("code", code);
        return s;
    }

    static String reasonFor(int code) {
        return switch (code) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 409 -> "Conflict";
            case 410 -> "Expired";
            case 415 -> "UnsupportedMediaType";
            case 422 -> "Invalid";
            case 429 -> "TooManyRequests";
            case 503 -> "ServiceUnavailable";
            case 504 -> "Timeout";
            default -> code >= 500 ? "InternalError" : "Unknown";
        };
    }

    static KubeApiException badRequest(String message) {
        return new KubeApiException(400, "BadRequest", message);
    }

    static KubeApiException notFound(ResourceType type, String name) {
        return new KubeApiException(404, "NotFound",
                type.qualifiedName() + " \"" + name + "\" not found", details(type, name));
    }

    static KubeApiException alreadyExists(ResourceType type, String name) {
        return new KubeApiException(409, "AlreadyExists",
                type.qualifiedName() + " \"" + name + "\" already exists", details(type, name));
    }

    static KubeApiException conflict(ResourceType type, String name) {
        return new KubeApiException(409, "Conflict",
                "Operation cannot be fulfilled on " + type.qualifiedName() + " \"" + name
                        + "\": the object has been modified; please apply your changes to the latest"
                        + " version and try again",
                details(type, name));
    }

    static KubeApiException invalid(ResourceType type, String name, String field, String problem) {
        ObjectNode d = details(type, name == null ? "" : name);
        ObjectNode cause = d.putArray("causes").addObject();
        cause.put("reason", "FieldValueInvalid");
        cause.put("message", problem);
        cause.put("field", field);
        return new KubeApiException(422, "Invalid",
                type.kind() + " \"" + (name == null ? "" : name) + "\" is invalid: " + field + ": "
                        + problem,
                d);
    }

    /**
     * 422 for invalid list or watch options, as kube-apiserver words it: {@code ListOptions.meta.k8s.io ""
     * is invalid: FIELD: Forbidden: ...} (several causes in brackets, comma-separated).
     *
     * @param causes pairs of field and problem, e.g. {@code {"sendInitialEvents", "Forbidden: ..."}}
     */
    static KubeApiException invalidListOptions(List<String[]> causes) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("group", "meta.k8s.io");
        d.put("kind", "ListOptions");
        var array = d.putArray("causes");
        List<String> parts = new ArrayList<>();
        for (String[] c : causes) {
            ObjectNode cause = array.addObject();
            cause.put("reason", c[1].startsWith("Forbidden") ? "FieldValueForbidden"
                    : c[1].startsWith("Unsupported value") ? "FieldValueNotSupported" : "FieldValueInvalid");
            cause.put("message", c[1]);
            cause.put("field", c[0]);
            parts.add(c[0] + ": " + c[1]);
        }
        String all = parts.size() == 1 ? parts.get(0) : "[" + String.join(", ", parts) + "]";
        return new KubeApiException(422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: " + all, d);
    }

    static KubeApiException expired(String message) {
        return new KubeApiException(410, "Expired", message);
    }

    static ObjectNode details(ResourceType type, String name) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("name", name);
        if (!type.group().isEmpty()) {
            d.put("group", type.group());
        }
        d.put("kind", type.plural());
        return d;
    }
}
