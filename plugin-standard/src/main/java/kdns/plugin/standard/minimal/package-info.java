/** The {@code minimal} plugin: positive answers without authority and additional sections. */
package kdns.plugin.standard.minimal;
