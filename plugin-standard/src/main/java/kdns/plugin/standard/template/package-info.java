/**
 * The {@code template} plugin: answers built from Go templates ({@link kdns.plugin.standard.template.GoTemplate},
 * the subset CoreDNS users write) over names matched by Go regular expressions.
 */
package kdns.plugin.standard.template;
