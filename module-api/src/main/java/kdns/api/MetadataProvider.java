package kdns.api;

/**
 * A handler that labels queries with metadata (CoreDNS's {@code metadata.Provider}), for the plugins
 * and view expressions that read it: {@code kubernetes/client-namespace}, {@code view/name}, ... The
 * values are set only in blocks that have the {@code metadata} plugin, before the query enters the
 * block's view and chain; set them lazily with {@link Request#setMetadata}, since most are never read.
 */
public interface MetadataProvider {

    /** Sets this plugin's metadata on {@code request}; must not block or throw. */
    void provideMetadata(Request request);
}
