package kdns.host.server;

import java.util.List;
import kdns.api.MetadataProvider;
import kdns.api.Request;
import kdns.api.zones.ZoneNames;

/**
 * The {@code metadata} plugin's work for one block (CoreDNS's {@code metaCollector}): for queries in
 * its zones, every provider of the block's chain and the block's view label the request.
 *
 * @param zones     the zones metadata is collected for (lower-case, fully qualified)
 * @param providers the handlers of the chain that provide metadata, in chain order
 * @param view      the block's view name, set as {@code view/name}; empty when the block has no view
 */
public record MetadataCollector(List<String> zones, List<MetadataProvider> providers, String view) {

    public MetadataCollector {
        zones = List.copyOf(zones);
        providers = List.copyOf(providers);
    }

    void collect(Request request) {
        if (ZoneNames.longestMatch(zones, request.name()) == null) {
            return;
        }
        for (MetadataProvider p : providers) {
            try {
                p.provideMetadata(request);
            } catch (RuntimeException e) {
                // A provider's bug loses its labels, never the query.
            }
        }
        if (!view.isEmpty()) {
            String name = view;
            request.setMetadata("view/name", () -> name);
        }
    }
}
