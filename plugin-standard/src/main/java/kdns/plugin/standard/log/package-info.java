/** The {@code log} plugin: one query-log line per reply, in CoreDNS's formats. */
package kdns.plugin.standard.log;
