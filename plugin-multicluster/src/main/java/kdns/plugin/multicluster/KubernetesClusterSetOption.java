package kdns.plugin.multicluster;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import kdns.api.Request;
import kdns.plugin.kubernetes.spi.ClusterSetOption;
import kdns.plugin.kubernetes.spi.ClusterSetZones;
import kdns.plugin.kubernetes.spi.KubernetesBlock;
import org.xbill.DNS.Message;

/**
 * The kubernetes block's {@code multicluster ZONES} option (CoreDNS 1.12.2+), provided to the
 * kubernetes plugin through its extension API: names in those zones are answered from
 * ServiceImports and exported EndpointSlices by the same code as the {@code multicluster}
 * directive, on the block's own API connection, with the block's TTL, fallthrough, namespace
 * exposure, {@code labels} (EndpointSlices), {@code namespace_labels} (ServiceImports, as CoreDNS
 * codes it), {@code noendpoints}, {@code endpoint_pod_names} and {@code ignore empty_service}.
 */
public final class KubernetesClusterSetOption implements ClusterSetOption {

    public KubernetesClusterSetOption() {
    }

    @Override
    public ClusterSetZones setup(KubernetesBlock block) {
        McsIndex index = new McsIndex();
        McsInformers informers = new McsInformers("kubernetes", block.api(), index, false, block.noEndpoints(),
                block.labels(), block.namespaceLabels());
        BooleanSupplier synced = () -> block.synced().getAsBoolean() && informers.hasSynced();
        McsOptions options = new McsOptions(block.zones(), block.ttl(), block.fallthrough(), block.noEndpoints(),
                block.endpointPodNames(), block.ignoreEmptyService(), true);
        McsAnswerer answerer = new McsAnswerer(options, index, block.namespaceExposed(), synced,
                () -> Math.max(block.serial().getAsLong(), index.modified()));
        return new Zones(answerer, informers);
    }

    /** One block's cluster-set zones: the answers and the informers that feed them. */
    private record Zones(McsAnswerer answerer, McsInformers informers) implements ClusterSetZones {

        @Override
        public boolean inZones(String lowerName) {
            return answerer.inZones(lowerName);
        }

        @Override
        public Message answer(Request request) {
            return answerer.answer(request);
        }

        @Override
        public boolean hasSynced() {
            return informers.hasSynced();
        }

        @Override
        public void start() {
            informers.start();
        }

        @Override
        public void startAndWait(Duration timeout) throws InterruptedException {
            informers.startAndWait(timeout);
        }

        @Override
        public void stop() {
            informers.stop();
        }
    }
}
