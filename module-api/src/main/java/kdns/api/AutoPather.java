package kdns.api;

import java.util.List;

/**
 * A handler that knows the DNS search path of the client that sent a query, for the
 * {@code autopath @PLUGIN} directive (CoreDNS's {@code AutoPather}). The {@code kubernetes} handler
 * implements it: with {@code pods verified} it finds the client's pod by source IP and returns the
 * search path the kubelet gave that pod.
 *
 * <p>Lives in the API so that {@code autopath} finds the implementation in another plugin's module
 * layer by this type alone, never by depending on that module.
 */
public interface AutoPather {

    /**
     * The search path of the client of {@code request}: fully qualified, lower-case domains in the
     * order the client tries them, ending with the empty string (the name as asked, unchanged).
     * Empty when this handler does not know the client or the name is outside its zones; then
     * {@code autopath} passes the query on untouched. Called on the query path: no blocking.
     */
    List<String> searchPath(Request request);
}
