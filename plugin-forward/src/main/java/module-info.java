/** The forward plugin. */
module kdns.plugin.forward {
    requires kdns.api;
}
