package kdns.plugin.etcd.store;

import kdns.api.Log;
import kdns.api.text.RecordValues;
import kdns.plugin.etcd.msg.HostType;
import kdns.plugin.etcd.msg.Service;

/**
 * One etcd key as the index keeps it: its value decoded once, when it changed.
 *
 * @param key     the etcd key
 * @param service the decoded value, or null when it does not decode
 * @param hostType what the value's host is (null when the value does not decode)
 * @param error   why the value does not decode (null when it does)
 * @param lease   the key's lease ID (0 for none)
 * @param modRevision the revision of the key's last change
 */
public record Node(String key, Service service, HostType hostType, String error, long lease, long modRevision) {

    private static final Log LOG = Log.forPlugin("etcd");

    /**
     * Decodes a value read from etcd. A {@code ttl} above 2^31-1 (Go reads it as a uint32, but no
     * record may carry one, RFC 2181) is served as 2^31-1, with one warning naming the key.
     */
    public static Node of(String key, byte[] value, long lease, long modRevision) {
        try {
            Service s = Service.decode(value);
            if (!RecordValues.isTtl(s.ttl())) {
                LOG.warning(key + ": ttl " + s.ttl() + " is above " + RecordValues.MAX_TTL + "; served as "
                        + RecordValues.MAX_TTL);
                s = new Service(s.host(), s.port(), s.priority(), s.weight(), s.text(), s.mail(), RecordValues.MAX_TTL,
                        s.targetStrip(), s.group());
            }
            return new Node(key, s, HostType.of(s), null, lease, modRevision);
        } catch (Service.DecodeException e) {
            return new Node(key, null, null, e.getMessage(), lease, modRevision);
        }
    }
}
