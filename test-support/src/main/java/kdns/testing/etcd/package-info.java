/** A real etcd (Debian's etcd-server) started on 127.0.0.1 with a temporary data directory. */
package kdns.testing.etcd;
