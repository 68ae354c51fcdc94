/** The etcd plugin. */
module kdns.plugin.etcd {
    requires kdns.api;
}
