package kdns.plugin.cache;

/**
 * What a reply is cached under, as in CoreDNS: the lower-case name, the type, the DO bit and the CD
 * bit of the query; also the class, so a CH query never gets an IN answer.
 */
record Key(String name, int qtype, int qclass, boolean dnssecOk, boolean checkingDisabled) {
}
