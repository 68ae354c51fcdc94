package kdns.plugin.kubernetes.model;

import java.util.Map;

/** What DNS needs of a Pod: its primary IP ({@code status.podIP}), name, namespace and labels. */
public record PodInfo(String namespace, String name, String ip, Map<String, String> labels) implements Named {

    public PodInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        ip = ip == null ? "" : ip;
    }

    public String key() {
        return namespace + "/" + name;
    }
}
