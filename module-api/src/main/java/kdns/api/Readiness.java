package kdns.api;

/**
 * Implemented by handlers that need warm-up (an informer sync, a first etcd load). The
 * {@code ready} plugin reports 200 on {@code /ready} only when every handler implementing this, in
 * every server block, returns true.
 */
public interface Readiness {

    /** True once the handler can give complete answers. Called from an HTTP thread: be cheap. */
    boolean ready();
}
