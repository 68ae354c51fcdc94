/** The {@code hosts} plugin: A, AAAA and PTR answers from an /etc/hosts style file and inline lines. */
package kdns.plugin.standard.hosts;
