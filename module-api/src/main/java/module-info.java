/**
 * The kdns plugin SPI. A plugin module {@code requires kdns.api} and declares
 * {@code provides kdns.api.Plugin with ...}; the host finds it with {@link java.util.ServiceLoader}
 * in the plugin's own module layer.
 */
module kdns.api {
    requires transitive org.dnsjava;
    requires transitive io.prometheus.metrics.core;
    requires transitive io.prometheus.metrics.model;

    exports kdns.api;
    exports kdns.api.zones;
    exports kdns.api.text;
    exports kdns.api.lookup;
    exports kdns.api.tls;
    exports kdns.api.grpc;
}
