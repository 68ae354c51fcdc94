import kdns.plugin.cache.CachePlugin;

/**
 * The cache plugin: CoreDNS's frontend cache on Caffeine. Nothing is exported; the host finds the
 * plugin through {@link kdns.api.Plugin}.
 */
module kdns.plugin.cache {
    requires kdns.api;
    requires com.github.benmanes.caffeine;

    provides kdns.api.Plugin with CachePlugin;
}
