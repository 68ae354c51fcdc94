/**
 * Where the plugins' log lines go ({@code LogSink}, replaceable in tests). Not exported.
 */
package kdns.plugin.standard.telemetry;
