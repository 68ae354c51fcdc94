package kdns.plugin.kubernetes;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import kdns.api.zones.Fallthrough;

/**
 * One {@code kubernetes} directive, parsed.
 *
 * @param zones            the zones, normalised, CIDRs expanded into reverse zones
 * @param primaryZone      the first non-reverse zone (PTR targets are built in it)
 * @param connection       how the API server is reached ({@code endpoint}, {@code tls},
 *                         {@code kubeconfig}, the {@code apiserver_*} rates)
 * @param namespaces       {@code namespaces}: the allow-list, empty for all
 * @param namespaceLabels  {@code namespace_labels}: the label selector text, or null
 * @param labels           {@code labels}: the label selector text, or null
 * @param ttl              record TTL in seconds
 * @param zonal            the {@code zonal} option: {@code <zone>.pin|prefer._zone.<svc>...} names
 * @param multiclusterZones the {@code multicluster ZONES} option: zones (among {@code zones}) answered
 *                          from MCS ServiceImports, empty when not set
 */
public record KubernetesConfig(List<String> zones, String primaryZone, ConnectionSettings connection,
                               Set<String> namespaces, String namespaceLabels,
                               String labels, PodMode pods, boolean endpointPodNames, long ttl,
                               boolean noEndpoints, Fallthrough fallthrough, boolean ignoreEmptyService,
                               Duration startupTimeout, boolean zonal, List<String> multiclusterZones) {

    /** The default TTL, like CoreDNS's. */
    public static final long DEFAULT_TTL = 5;
    /** The default start-up wait for the informers. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(5);

    /** A configuration without the {@code multicluster} option. */
    public KubernetesConfig(List<String> zones, String primaryZone, ConnectionSettings connection,
                            Set<String> namespaces, String namespaceLabels,
                            String labels, PodMode pods, boolean endpointPodNames, long ttl,
                            boolean noEndpoints, Fallthrough fallthrough, boolean ignoreEmptyService,
                            Duration startupTimeout, boolean zonal) {
        this(zones, primaryZone, connection, namespaces, namespaceLabels, labels, pods, endpointPodNames, ttl,
                noEndpoints, fallthrough, ignoreEmptyService, startupTimeout, zonal, List.of());
    }

    public KubernetesConfig {
        multiclusterZones = multiclusterZones == null ? List.of() : List.copyOf(multiclusterZones);
        zones = List.copyOf(zones);
        namespaces = Set.copyOf(namespaces);
    }

    /** How {@code <ip>.<ns>.pod.<zone>} names are answered. */
    public enum PodMode {
        DISABLED, INSECURE, VERIFIED;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** CoreDNS's configuredNamespace: true without a {@code namespaces} list or when it names {@code ns}. */
    public boolean configuredNamespace(String ns) {
        return namespaces.isEmpty() || namespaces.contains(ns);
    }

    /**
     * A copy of this configuration whose {@code multicluster} option names these zones, for tests
     * of this plugin's own handling of cluster-set zones (metadata, transfers) where no
     * {@code ClusterSetOption} provider is present to let the directive parse the option.
     */
    public KubernetesConfig withMulticlusterZones(List<String> newZones) {
        return new KubernetesConfig(zones, primaryZone, connection, namespaces, namespaceLabels, labels, pods,
                endpointPodNames, ttl, noEndpoints, fallthrough, ignoreEmptyService, startupTimeout, zonal, newZones);
    }

    /** A copy of this configuration with another TTL (for tests). */
    public KubernetesConfig withTtl(long newTtl) {
        return new KubernetesConfig(zones, primaryZone, connection, namespaces, namespaceLabels, labels, pods,
                endpointPodNames, newTtl, noEndpoints, fallthrough, ignoreEmptyService, startupTimeout, zonal,
                multiclusterZones);
    }
}
