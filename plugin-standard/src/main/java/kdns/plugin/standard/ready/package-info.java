/** The {@code ready} plugin: a {@code /ready} HTTP endpoint that reports when every plugin is ready. */
package kdns.plugin.standard.ready;
