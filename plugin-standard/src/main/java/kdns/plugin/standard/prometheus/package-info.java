/**
 * The {@code prometheus} plugin: CoreDNS's per-request metrics for its server block and the
 * process-wide {@code /metrics} endpoint in the Prometheus text format.
 */
package kdns.plugin.standard.prometheus;
