/** The {@code view} plugin: server blocks that serve only the queries their expressions select. */
package kdns.plugin.standard.view;
