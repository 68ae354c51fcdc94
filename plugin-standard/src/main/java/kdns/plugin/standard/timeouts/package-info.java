/** The {@code timeouts} plugin: the TCP server's timeouts and queries per connection. */
package kdns.plugin.standard.timeouts;
