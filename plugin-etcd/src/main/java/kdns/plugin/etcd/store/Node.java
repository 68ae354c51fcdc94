package kdns.plugin.etcd.store;

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

    /** Decodes a value read from etcd. */
    public static Node of(String key, byte[] value, long lease, long modRevision) {
        try {
            Service s = Service.decode(value);
            return new Node(key, s, HostType.of(s), null, lease, modRevision);
        } catch (Service.DecodeException e) {
            return new Node(key, null, null, e.getMessage(), lease, modRevision);
        }
    }
}
