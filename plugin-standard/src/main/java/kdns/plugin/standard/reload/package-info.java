/** The {@code reload} plugin: reloads the Corefile when its content changes. */
package kdns.plugin.standard.reload;
