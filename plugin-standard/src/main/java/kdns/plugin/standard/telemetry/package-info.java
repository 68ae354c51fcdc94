/**
 * Where the plugins' log lines go ({@code LogSink}, replaceable in tests) and CoreDNS's
 * {@code _info} gauges. Not exported.
 */
package kdns.plugin.standard.telemetry;
