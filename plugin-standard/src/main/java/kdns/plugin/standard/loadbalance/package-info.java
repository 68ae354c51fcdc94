/** The {@code loadbalance} plugin: randomizes the order of A, AAAA and MX records in replies. */
package kdns.plugin.standard.loadbalance;
