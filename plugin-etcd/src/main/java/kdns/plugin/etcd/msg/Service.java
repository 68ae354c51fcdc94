package kdns.plugin.etcd.msg;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Locale;

/**
 * One etcd value: the SkyDNS "Service" message. Decoded as Go's {@code encoding/json} decodes it
 * into CoreDNS's {@code msg.Service}: field names match case-insensitively, unknown fields are
 * ignored, {@code null} leaves a field at its zero value, and a value of the wrong type (e.g.
 * {@code "port":"80"}, a fraction for an integer, a negative {@code ttl}) is an error.
 *
 * @param host        IP address or domain name
 * @param port        SRV port (-1: no SRV record)
 * @param priority    SRV priority / MX preference as written (0 = default, read as 10)
 * @param weight      SRV weight input (0 = 100)
 * @param text        TXT content
 * @param mail        true for MX entries
 * @param ttl         the JSON TTL in seconds (0 = not set)
 * @param targetStrip labels to strip from synthesized target names
 * @param group       grouping of sub-tree results
 */
public record Service(String host, long port, long priority, long weight, String text, boolean mail, long ttl,
                      long targetStrip, String group) {

    /**
     * Jackson's factory, made on first use: values of the flat shape ({@link FlatValue}) never need
     * it, and making it (22 of Jackson's classes initialised) took 6-30 ms of the first read's
     * decode at start-up (class-init logs of six starts with 10,000 flat values).
     */
    private static final class Json {
        static final JsonFactory FACTORY = JsonFactory.builder()
                .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
    }

    /** A value that is not a valid Service (bad JSON, wrong types). */
    public static final class DecodeException extends Exception {
        public DecodeException(String message) {
            super(message, null, false, false);
        }
    }

    /** Decodes an etcd value: the common flat shape directly ({@link FlatValue}), anything else with Jackson. */
    public static Service decode(byte[] value) throws DecodeException {
        Service flat = FlatValue.read(value);
        return flat != null ? flat : decodeWithJackson(value);
    }

    /** The full decode, with Go's error texts; package-private so that tests can hold the two paths side by side. */
    static Service decodeWithJackson(byte[] value) throws DecodeException {
        String host = "";
        long port = 0;
        long priority = 0;
        long weight = 0;
        String text = "";
        boolean mail = false;
        long ttl = 0;
        long targetStrip = 0;
        String group = "";
        String firstError = null;
        try (JsonParser p = Json.FACTORY.createParser(value)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new DecodeException("unexpected end of JSON input");
            }
            if (t == JsonToken.VALUE_NULL) {
                ensureEnd(p);
                return new Service("", 0, 0, 0, "", false, 0, 0, "");
            }
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                ensureEnd(p);
                throw new DecodeException("json: cannot unmarshal " + jsonKind(t) + " into Go value of type msg.Service");
            }
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                String err = null;
                switch (field.toLowerCase(Locale.ROOT)) {
                    case "host" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            host = p.getText();
                        } else if (v != JsonToken.VALUE_NULL) {
                            err = typeError(v, field, "string");
                        }
                    }
                    case "text" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            text = p.getText();
                        } else if (v != JsonToken.VALUE_NULL) {
                            err = typeError(v, field, "string");
                        }
                    }
                    case "group" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            group = p.getText();
                        } else if (v != JsonToken.VALUE_NULL) {
                            err = typeError(v, field, "string");
                        }
                    }
                    case "mail" -> {
                        if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                            mail = v == JsonToken.VALUE_TRUE;
                        } else if (v != JsonToken.VALUE_NULL) {
                            err = typeError(v, field, "bool");
                        }
                    }
                    case "port", "priority", "weight", "targetstrip", "ttl" -> {
                        boolean unsigned = field.equalsIgnoreCase("ttl");
                        long n = 0;
                        boolean set = false;
                        if (v == JsonToken.VALUE_NUMBER_INT) {
                            BigInteger b = p.getBigIntegerValue();
                            BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.valueOf(Long.MIN_VALUE);
                            BigInteger max = unsigned ? BigInteger.valueOf(0xFFFFFFFFL) : BigInteger.valueOf(Long.MAX_VALUE);
                            if (b.compareTo(min) < 0 || b.compareTo(max) > 0) {
                                err = "json: cannot unmarshal number " + p.getText() + " into Go struct field Service."
                                        + field + " of type " + (unsigned ? "uint32" : "int");
                            } else {
                                n = b.longValue();
                                set = true;
                            }
                        } else if (v == JsonToken.VALUE_NUMBER_FLOAT) {
                            err = "json: cannot unmarshal number " + p.getText() + " into Go struct field Service."
                                    + field + " of type " + (unsigned ? "uint32" : "int");
                        } else if (v != JsonToken.VALUE_NULL) {
                            err = typeError(v, field, unsigned ? "uint32" : "int");
                        }
                        if (set) {
                            switch (field.toLowerCase(Locale.ROOT)) {
                                case "port" -> port = n;
                                case "priority" -> priority = n;
                                case "weight" -> weight = n;
                                case "targetstrip" -> targetStrip = n;
                                default -> ttl = n;
                            }
                        }
                    }
                    default -> {
                        // unknown fields (ExternalDNS's "owner", ...) are ignored
                    }
                }
                p.skipChildren();
                if (err != null && firstError == null) {
                    firstError = err;
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new DecodeException("invalid JSON object");
            }
            ensureEnd(p);
        } catch (IOException e) {
            String m = e.getMessage();
            int nl = m == null ? -1 : m.indexOf('\n');
            throw new DecodeException("invalid JSON: " + (nl > 0 ? m.substring(0, nl) : m));
        }
        if (firstError != null) {
            throw new DecodeException(firstError);
        }
        return new Service(host, port, priority, weight, text, mail, ttl, targetStrip, group);
    }

    private static void ensureEnd(JsonParser p) throws IOException, DecodeException {
        if (p.nextToken() != null) {
            throw new DecodeException("invalid character after top-level value");
        }
    }

    private static String typeError(JsonToken v, String field, String goType) {
        return "json: cannot unmarshal " + jsonKind(v) + " into Go struct field Service." + field + " of type " + goType;
    }

    private static String jsonKind(JsonToken t) {
        return switch (t) {
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "bool";
            case START_ARRAY -> "array";
            case START_OBJECT -> "object";
            default -> t.toString();
        };
    }
}
