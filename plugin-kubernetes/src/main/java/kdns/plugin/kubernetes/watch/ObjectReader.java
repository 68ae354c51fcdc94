package kdns.plugin.kubernetes.watch;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kdns.plugin.kubernetes.model.Convert;
import kdns.plugin.kubernetes.model.Fields;

/**
 * Reads an API object of one kind from JSON straight into the values {@link Convert} uses
 * ({@link Fields}), with no generated model and no reflection: the informers' usual path (the
 * generated models' reflective decoding was most of a large cluster's first sync).
 *
 * <p>It takes only the JSON the generated models take the same way: each value it reads must have
 * the expected JSON type ({@code null} is absent, as for the models); anything else (a number
 * where a string belongs, which the models' Gson turns into its text, a map written as an array of
 * pairs, a duplicate map key, a {@code deletionTimestamp} the client's date format rejects) throws
 * {@link Unsupported} and the caller decodes the object through the model as before, so what
 * comes out and what is logged do not change. A field read twice keeps its last value, as with the
 * models. What it does not check: the fields kdns never reads are skipped unread, so a value of the
 * wrong type there (which the models would reject, making the object absent) no longer matters.
 *
 * @param <F> the values of the kind
 */
@FunctionalInterface
interface ObjectReader<F extends Fields.Object> {

    /** The object {@code in} is at (its {@code BEGIN_OBJECT} next). */
    F read(JsonReader in) throws IOException;

    /** A value the reader does not take as the models would; the object goes through the model. */
    final class Unsupported extends RuntimeException {
        Unsupported(String what) {
            super(what, null, false, false);
        }
    }

    ObjectReader<Fields.Service> SERVICE = in -> {
        Fields.Meta meta = null;
        Fields.ServiceSpec spec = null;
        List<Fields.Ingress> ingress = null;
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "metadata" -> meta = Values.meta(in, false, false, false);
                case "spec" -> spec = Values.serviceSpec(in);
                case "status" -> ingress = Values.ingress(in);
                default -> in.skipValue();
            }
        }
        in.endObject();
        return new Fields.Service(meta, spec, ingress);
    };

    ObjectReader<Fields.Slice> SLICE = in -> {
        Fields.Meta meta = null;
        List<Fields.EndpointValue> endpoints = null;
        List<Fields.PortValue> ports = null;
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "metadata" -> meta = Values.meta(in, true, true, false);
                case "endpoints" -> endpoints = Values.list(in, Values::endpoint);
                case "ports" -> ports = Values.list(in, Values::port);
                default -> in.skipValue();
            }
        }
        in.endObject();
        return new Fields.Slice(meta, endpoints, ports);
    };

    ObjectReader<Fields.Pod> POD = in -> {
        Fields.Meta meta = null;
        String ip = null;
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "metadata" -> meta = Values.meta(in, true, false, true);
                case "status" -> ip = Values.stringField(in, "podIP");
                default -> in.skipValue();
            }
        }
        in.endObject();
        return new Fields.Pod(meta, ip);
    };

    ObjectReader<Fields.Namespace> NAMESPACE = in -> {
        Fields.Meta meta = null;
        in.beginObject();
        while (in.hasNext()) {
            if (in.nextName().equals("metadata")) {
                meta = Values.meta(in, false, false, false);
            } else {
                in.skipValue();
            }
        }
        in.endObject();
        if (meta == null) {
            // The model's conversion fails on it (no metadata), with the message it logs.
            throw new Unsupported("no metadata");
        }
        return new Fields.Namespace(meta);
    };

    /** The JSON values of the models' field types, each of the one JSON type the model reads as itself. */
    final class Values {

        /** One item of a list. */
        @FunctionalInterface
        interface Item<V> {
            V read(JsonReader in) throws IOException;
        }

        private Values() {
        }

        static Fields.Meta meta(JsonReader in, boolean labels, boolean annotations, boolean deletion)
                throws IOException {
            if (!object(in)) {
                return null;
            }
            String namespace = null;
            String name = null;
            String version = null;
            Map<String, String> labelMap = null;
            Map<String, String> annotationMap = null;
            boolean deleting = false;
            while (in.hasNext()) {
                String field = in.nextName();
                switch (field) {
                    case "namespace" -> namespace = string(in);
                    case "name" -> name = string(in);
                    case "resourceVersion" -> version = string(in);
                    case "labels" -> {
                        if (labels) {
                            labelMap = map(in);
                        } else {
                            in.skipValue();
                        }
                    }
                    case "annotations" -> {
                        if (annotations) {
                            annotationMap = map(in);
                        } else {
                            in.skipValue();
                        }
                    }
                    case "deletionTimestamp" -> {
                        if (deletion) {
                            deleting = LenientJson.dateTime(in) != null;
                        } else {
                            in.skipValue();
                        }
                    }
                    default -> in.skipValue();
                }
            }
            in.endObject();
            return new Fields.Meta(namespace, name, version, labelMap, annotationMap, deleting);
        }

        static Fields.ServiceSpec serviceSpec(JsonReader in) throws IOException {
            if (!object(in)) {
                return null;
            }
            String type = null;
            String externalName = null;
            List<String> clusterIPs = null;
            String clusterIP = null;
            List<Fields.PortValue> ports = null;
            List<String> externalIPs = null;
            while (in.hasNext()) {
                switch (in.nextName()) {
                    case "type" -> type = string(in);
                    case "externalName" -> externalName = string(in);
                    case "clusterIPs" -> clusterIPs = list(in, Values::string);
                    case "clusterIP" -> clusterIP = string(in);
                    case "ports" -> ports = list(in, Values::port);
                    case "externalIPs" -> externalIPs = list(in, Values::string);
                    default -> in.skipValue();
                }
            }
            in.endObject();
            return new Fields.ServiceSpec(type, externalName, clusterIPs, clusterIP, ports, externalIPs);
        }

        /** {@code status.loadBalancer.ingress} of a Service status. */
        static List<Fields.Ingress> ingress(JsonReader in) throws IOException {
            if (!object(in)) {
                return null;
            }
            List<Fields.Ingress> ingress = null;
            while (in.hasNext()) {
                if (!in.nextName().equals("loadBalancer")) {
                    in.skipValue();
                    continue;
                }
                ingress = null;
                if (!object(in)) {
                    continue;
                }
                while (in.hasNext()) {
                    if (in.nextName().equals("ingress")) {
                        ingress = list(in, Values::ingressItem);
                    } else {
                        in.skipValue();
                    }
                }
                in.endObject();
            }
            in.endObject();
            return ingress;
        }

        static Fields.Ingress ingressItem(JsonReader in) throws IOException {
            if (!object(in)) {
                return null;
            }
            String ip = null;
            String hostname = null;
            while (in.hasNext()) {
                switch (in.nextName()) {
                    case "ip" -> ip = string(in);
                    case "hostname" -> hostname = string(in);
                    default -> in.skipValue();
                }
            }
            in.endObject();
            return new Fields.Ingress(ip, hostname);
        }

        static Fields.PortValue port(JsonReader in) throws IOException {
            if (!object(in)) {
                return null;
            }
            String name = null;
            String protocol = null;
            Integer port = null;
            while (in.hasNext()) {
                switch (in.nextName()) {
                    case "name" -> name = string(in);
                    case "protocol" -> protocol = string(in);
                    case "port" -> port = integer(in);
                    default -> in.skipValue();
                }
            }
            in.endObject();
            return new Fields.PortValue(name, protocol, port);
        }

        static Fields.EndpointValue endpoint(JsonReader in) throws IOException {
            if (!object(in)) {
                return null;
            }
            Boolean ready = null;
            List<String> addresses = null;
            String target = null;
            String hostname = null;
            String node = null;
            String zone = null;
            while (in.hasNext()) {
                switch (in.nextName()) {
                    case "conditions" -> ready = ready(in);
                    case "addresses" -> addresses = list(in, Values::string);
                    case "targetRef" -> target = stringField(in, "name");
                    case "hostname" -> hostname = string(in);
                    case "nodeName" -> node = string(in);
                    case "zone" -> zone = string(in);
                    default -> in.skipValue();
                }
            }
            in.endObject();
            return new Fields.EndpointValue(ready, addresses, target, hostname, node, zone);
        }

        /** {@code conditions.ready}. */
        private static Boolean ready(JsonReader in) throws IOException {
            if (!object(in)) {
                return null;
            }
            Boolean ready = null;
            while (in.hasNext()) {
                if (in.nextName().equals("ready")) {
                    ready = bool(in);
                } else {
                    in.skipValue();
                }
            }
            in.endObject();
            return ready;
        }

        /** The string {@code field} of the object {@code in} is at (an object reference's name, a Pod status's IP). */
        static String stringField(JsonReader in, String field) throws IOException {
            if (!object(in)) {
                return null;
            }
            String value = null;
            while (in.hasNext()) {
                if (in.nextName().equals(field)) {
                    value = string(in);
                } else {
                    in.skipValue();
                }
            }
            in.endObject();
            return value;
        }

        /**
         * True when the value {@code in} is at has the JSON type {@code expected}, false after
         * consuming a null (absent, as for the models); any other type is {@link Unsupported}.
         */
        static boolean present(JsonReader in, JsonToken expected, String what) throws IOException {
            JsonToken t = in.peek();
            if (t == expected) {
                return true;
            }
            if (t == JsonToken.NULL) {
                in.nextNull();
                return false;
            }
            throw new Unsupported(t + " where " + what + " belongs");
        }

        /** True after entering an object, false after a null. */
        static boolean object(JsonReader in) throws IOException {
            if (!present(in, JsonToken.BEGIN_OBJECT, "an object")) {
                return false;
            }
            in.beginObject();
            return true;
        }

        static String string(JsonReader in) throws IOException {
            return present(in, JsonToken.STRING, "a string") ? in.nextString() : null;
        }

        static Integer integer(JsonReader in) throws IOException {
            // not an int: NumberFormatException, which the model throws too
            return present(in, JsonToken.NUMBER, "a number") ? Integer.valueOf(in.nextInt()) : null;
        }

        static Boolean bool(JsonReader in) throws IOException {
            return present(in, JsonToken.BOOLEAN, "a boolean") ? Boolean.valueOf(in.nextBoolean()) : null;
        }

        /** A list (its items may be null), or null. */
        static <V> List<V> list(JsonReader in, Item<V> item) throws IOException {
            if (!present(in, JsonToken.BEGIN_ARRAY, "a list")) {
                return null;
            }
            List<V> out = new ArrayList<>();
            in.beginArray();
            while (in.hasNext()) {
                out.add(item.read(in));
            }
            in.endArray();
            return out;
        }

        /** A map of strings (values may be null), or null; a key twice is the models' error. */
        static Map<String, String> map(JsonReader in) throws IOException {
            if (!object(in)) {
                return null;
            }
            Map<String, String> out = new HashMap<>();
            while (in.hasNext()) {
                String key = in.nextName();
                if (out.containsKey(key)) {
                    throw new Unsupported("the key " + key + " twice");
                }
                out.put(key, string(in));
            }
            in.endObject();
            return out;
        }
    }
}
