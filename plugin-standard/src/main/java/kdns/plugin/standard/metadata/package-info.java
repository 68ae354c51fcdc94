/** The {@code metadata} plugin: turns on metadata collection for a server block. */
package kdns.plugin.standard.metadata;
