/** The {@code bufsize} plugin: caps the EDNS0 UDP buffer size clients advertise. */
package kdns.plugin.standard.bufsize;
