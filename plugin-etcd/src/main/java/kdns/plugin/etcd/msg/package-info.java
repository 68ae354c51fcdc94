/** The SkyDNS message: etcd values (JSON services) and the key layout. */
package kdns.plugin.etcd.msg;
