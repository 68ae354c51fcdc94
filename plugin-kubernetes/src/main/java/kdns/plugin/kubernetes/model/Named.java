package kdns.plugin.kubernetes.model;

/** An index entry of one API object: the object's namespace (empty when cluster-scoped) and name. */
public interface Named {

    String namespace();

    String name();
}
