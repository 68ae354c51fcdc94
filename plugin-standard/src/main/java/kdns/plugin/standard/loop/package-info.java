/** The {@code loop} plugin: detects forwarding loops at start-up and stops the process. */
package kdns.plugin.standard.loop;
