/**
 * Lookups a plugin makes through the whole server (CoreDNS's {@code plugin/pkg/upstream}): CNAME
 * targets outside the plugin's zones, answered now or later without a reader thread waiting.
 */
package kdns.api.lookup;
