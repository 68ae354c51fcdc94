/** The cache plugin. */
module kdns.plugin.cache {
    requires kdns.api;
}
