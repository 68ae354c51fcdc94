package kdns.plugin.etcd.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flat-value reader beside the Jackson decode: the same Service for what it takes, null for the rest. */
class FlatValueTest {

    /** Values of the common shape: read without Jackson, to the Service Jackson's path gives. */
    private static final List<String> FLAT = List.of(
            "{\"host\":\"10.0.0.1\",\"ttl\":60}",
            "{\"host\": \"10.1.2.3\", \"ttl\": 60}",
            " \t\r\n{ \"Host\" : \"2001:db8::1\" , \"PORT\":80,\"Priority\":-5,\"weight\":0,\"targetStrip\":2} \n",
            "{}",
            "{\"text\":\"heritage=external-dns,external-dns/owner=default,external-dns/resource=service/default/nginx\","
                    + "\"targetstrip\":1}",
            "{\"host\":\"mail.example.org\",\"mail\":true,\"priority\":20,\"group\":\"g1\"}",
            "{\"host\":\"a\",\"mail\":false,\"HOST\":\"b\"}",
            "{\"owner\":\"x\",\"Owner\":7,\"flag\":true,\"host\":\"10.0.0.2\"}",
            "{\"ttl\":4294967295,\"port\":999999999999999999,\"weight\":-999999999999999999}",
            "{\"ttl\":0,\"port\":-0}");

    /** Values outside it: escapes, non-ASCII, null, fractions, long numbers, nesting, wrong types, bad JSON. */
    private static final List<String> OTHER = List.of(
            "{\"host\":\"a\\\"b\"}",
            "{\"h\\u006fst\":\"10.0.0.1\"}",
            "{\"text\":\"caf\u00e9\"}",
            "{\"text\":\"a\tb\"}",
            "{\"group\":null}",
            "null",
            "{\"ttl\":60.0}",
            "{\"ttl\":6e1}",
            "{\"ttl\":-1}",
            "{\"ttl\":4294967296}",
            "{\"port\":1000000000000000000}",
            "{\"port\":080}",
            "{\"port\":\"80\"}",
            "{\"host\":5}",
            "{\"mail\":1}",
            "{\"mail\":\"true\"}",
            "{\"port\":true}",
            "{\"owner\":{\"a\":1}}",
            "{\"owner\":[1]}",
            "[1]",
            "{} x",
            "{\"host\":\"a\",}",
            "{\"host\":\"a\"",
            "{\"host\" \"a\"}",
            "{\"host\":tru}",
            "{\"port\":-}",
            "{\"port\":12x}",
            "",
            "\ufeff{}");

    @Test
    void commonShapeReadsLikeJackson() throws Exception {
        for (String json : FLAT) {
            byte[] value = json.getBytes(StandardCharsets.UTF_8);
            Service flat = FlatValue.read(value);
            assertNotNull(flat, json);
            assertEquals(Service.decodeWithJackson(value), flat, json);
            assertEquals(flat, Service.decode(value), json);
        }
    }

    @Test
    void otherValuesGoToJackson() throws Exception {
        for (String json : OTHER) {
            byte[] value = json.getBytes(StandardCharsets.UTF_8);
            assertNull(FlatValue.read(value), json);
            assertEquals(outcome(() -> Service.decodeWithJackson(value)), outcome(() -> Service.decode(value)), json);
        }
    }

    @Test
    void fieldsLandWhereJacksonPutsThem() {
        Service s = FlatValue.read(("{\"HoSt\":\"10.0.0.9\",\"port\":53,\"priority\":1,\"weight\":2,\"text\":\"t\","
                + "\"mail\":true,\"ttl\":3,\"targetstrip\":4,\"group\":\"g\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(new Service("10.0.0.9", 53, 1, 2, "t", true, 3, 4, "g"), s);
    }

    private interface Decode {
        Service run() throws Service.DecodeException;
    }

    /** The decoded Service, or the error's text. */
    private static Object outcome(Decode d) {
        try {
            return d.run();
        } catch (Service.DecodeException e) {
            return "error: " + e.getMessage();
        }
    }
}
