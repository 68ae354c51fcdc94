package kdns.plugin.kubernetes;

import java.util.List;
import java.util.function.BooleanSupplier;
import kdns.api.AutoPather;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.MetadataProvider;
import kdns.api.Rcodes;
import kdns.api.Readiness;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transferer;
import kdns.plugin.kubernetes.multicluster.McsAnswerer;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * The kubernetes handler with the {@code multicluster} option: cluster-set names from
 * {@link McsAnswerer}, everything else from the {@link KubernetesHandler}.
 */
final class ClusterSetHandler implements Handler, Readiness, AutoPather, Transferer, MetadataProvider {

    private final McsAnswerer mcs;
    private final KubernetesHandler cluster;
    private final Handler next;
    private final BooleanSupplier ready;

    ClusterSetHandler(McsAnswerer mcs, KubernetesHandler cluster, Handler next, BooleanSupplier ready) {
        this.mcs = mcs;
        this.cluster = cluster;
        this.next = next;
        this.ready = ready;
    }

    @Override
    public String name() {
        return cluster.name();
    }

    @Override
    public boolean ready() {
        return ready.getAsBoolean();
    }

    @Override
    public List<String> searchPath(Request request) {
        return cluster.searchPath(request);
    }

    @Override
    public List<Record> transfer(String zone, long clientSerial) {
        return cluster.transfer(zone, clientSerial);
    }

    @Override
    public void provideMetadata(Request request) {
        cluster.provideMetadata(request);
    }

    /** The handler of the cluster's own names. */
    KubernetesHandler clusterHandler() {
        return cluster;
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        if (!mcs.inZones(request.name())) {
            return cluster.serve(request, writer);
        }
        Message reply = mcs.answer(request);
        if (reply == null) {
            return Handlers.nextOrFailure(cluster.name(), next, request, writer);
        }
        writer.write(reply);
        return Rcodes.NOERROR;
    }
}
