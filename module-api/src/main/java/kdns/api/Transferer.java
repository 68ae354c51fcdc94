package kdns.api;

import java.util.List;
import org.xbill.DNS.Record;

/**
 * A handler whose zone can be transferred by the {@code transfer} plugin (CoreDNS's
 * {@code transfer.Transferer}): the {@code kubernetes} handler implements it. Lives in the API so
 * that {@code transfer} finds implementations in other plugins' module layers by this type alone.
 */
public interface Transferer {

    /**
     * The records of a transfer of {@code zone} to a client that holds {@code clientSerial}.
     *
     * @param zone         the zone asked for, lower case and fully qualified ({@code cluster.local.})
     * @param clientSerial the SOA serial the client sent with an IXFR, or -1 for an AXFR
     * @return null when this handler is not authoritative for exactly {@code zone}; the SOA alone
     *         when the client is up to date (its serial is the current one or later); else every
     *         record of the zone, the SOA first and last
     */
    List<Record> transfer(String zone, long clientSerial);
}
