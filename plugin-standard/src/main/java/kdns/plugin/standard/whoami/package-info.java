/** The {@code whoami} plugin: answers every query with the client's address, port and transport. */
package kdns.plugin.standard.whoami;
