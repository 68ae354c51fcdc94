/**
 * The kubernetes plugin's extension API: what a plugin module built on this one
 * ({@code requires kdns.plugin.kubernetes}) may use, and nothing of the plugin's internals.
 *
 * <ul>
 *   <li>{@link kdns.plugin.kubernetes.spi.KubernetesApi}: a connection to the Kubernetes API made
 *       as the kubernetes plugin makes its own (kubeconfig, endpoint or in-cluster; CoreDNS's REST
 *       client metrics, rate limits, User-Agent), and informers on it that list and watch like the
 *       plugin's (streaming or paged lists, BOOKMARKs, resume after a watch ends, relist on 410).</li>
 *   <li>{@link kdns.plugin.kubernetes.spi.InformerGroup}: the base of a plugin's set of informers
 *       on one connection: their threads, start and stop, waiting for the first sync (logged like
 *       CoreDNS), and one warning per resource for failed lists and watches.</li>
 *   <li>{@link kdns.plugin.kubernetes.spi.EndpointSlices}, {@link kdns.plugin.kubernetes.spi.Port}:
 *       an EndpointSlice's service label, ready addresses and ports as the plugin reads them.</li>
 *   <li>{@link kdns.plugin.kubernetes.spi.BlockOptions}: options written as the kubernetes
 *       directive writes them ({@code kubeconfig}, flags, {@code fallthrough}).</li>
 *   <li>{@link kdns.plugin.kubernetes.spi.SrvAnswer}: CoreDNS's SRV weights and the one record per
 *       target and port, one glue record per target and address of an SRV answer.</li>
 *   <li>{@link kdns.plugin.kubernetes.spi.WatchCalls}: the LIST page and WATCH requests of one
 *       watched resource.</li>
 *   <li>{@link kdns.plugin.kubernetes.spi.ObjectValues}: the checks API values pass before DNS uses
 *       them (ports, host names), with the one warning per object the plugin logs.</li>
 *   <li>{@link kdns.plugin.kubernetes.spi.ClusterSetOption}: the service behind the kubernetes
 *       block's {@code multicluster ZONES} option. A module that provides it (plugin-multicluster)
 *       is handed each such block as a {@link kdns.plugin.kubernetes.spi.KubernetesBlock} (its API
 *       connection, options and cluster index hooks) and returns the
 *       {@link kdns.plugin.kubernetes.spi.ClusterSetZones} that answer those zones. The plugin finds
 *       providers through {@link kdns.api.Instance#extensions}; without one it refuses the option.</li>
 * </ul>
 */
package kdns.plugin.kubernetes.spi;
