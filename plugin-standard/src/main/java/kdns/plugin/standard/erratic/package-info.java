/** The {@code erratic} plugin: CoreDNS's misbehaving test server. */
package kdns.plugin.standard.erratic;
