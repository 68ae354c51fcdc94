package kdns.plugin.kubernetes.spi;

import java.time.Duration;
import kdns.api.Request;
import org.xbill.DNS.Message;

/**
 * The cluster-set zones of one kubernetes block ({@link ClusterSetOption#setup}): the kubernetes
 * handler asks {@link #inZones} first and answers those names with {@link #answer}; it starts,
 * waits for and stops these informers with its own.
 */
public interface ClusterSetZones {

    /** True when {@code lowerName} (lower case, absolute) is inside one of the cluster-set zones. */
    boolean inZones(String lowerName);

    /** The reply to a query in the zones, or null when it goes to the next plugin ({@code fallthrough}). */
    Message answer(Request request);

    /** True once the cluster-set informers listed everything once. */
    boolean hasSynced();

    /** Starts the informers without waiting (idempotent). */
    void start();

    /** Starts the informers and waits up to {@code timeout} for their first sync; then serves anyway. */
    void startAndWait(Duration timeout) throws InterruptedException;

    /** Stops the informers. */
    void stop();
}
