/** Answers built from the index as CoreDNS's backend lookups build them. */
package kdns.plugin.etcd.lookup;
