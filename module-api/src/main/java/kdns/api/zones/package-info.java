/** Zone names, reverse zones from CIDRs, and the shared {@code fallthrough} option. */
package kdns.api.zones;
