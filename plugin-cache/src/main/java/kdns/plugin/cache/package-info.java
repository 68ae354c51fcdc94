/**
 * The {@code cache} plugin: CoreDNS's frontend cache (success and denial caches, prefetch,
 * serve_stale, servfail caching, keepttl) on Caffeine.
 */
package kdns.plugin.cache;
