/** The {@code etcd} directive: setup and the query handler. */
package kdns.plugin.etcd;
