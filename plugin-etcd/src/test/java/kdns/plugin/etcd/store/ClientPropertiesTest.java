package kdns.plugin.etcd.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's start-up properties are set when absent and never override a value given. */
class ClientPropertiesTest {

    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void save() {
        ClientProperties.DEFAULTS.keySet().forEach(k -> saved.put(k, System.getProperty(k)));
    }

    @AfterEach
    void restore() {
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    @Test
    void setsEachAbsentProperty() {
        ClientProperties.DEFAULTS.keySet().forEach(System::clearProperty);
        ClientProperties.applyDefaults();
        assertEquals("true", System.getProperty("vertx.disableDnsResolver"));
        assertEquals("true", System.getProperty("vertx.disableFileCPResolving"));
    }

    @Test
    void keepsAValueGiven() {
        ClientProperties.DEFAULTS.keySet().forEach(System::clearProperty);
        System.setProperty("vertx.disableDnsResolver", "false");
        ClientProperties.applyDefaults();
        assertEquals("false", System.getProperty("vertx.disableDnsResolver"));
        assertEquals("true", System.getProperty("vertx.disableFileCPResolving"));
    }
}
