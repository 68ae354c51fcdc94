/** The kubernetes plugin. */
module kdns.plugin.kubernetes {
    requires kdns.api;
}
