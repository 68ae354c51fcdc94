/** The in-memory index of an etcd path and the range-read + watch that keep it current. */
package kdns.plugin.etcd.store;
