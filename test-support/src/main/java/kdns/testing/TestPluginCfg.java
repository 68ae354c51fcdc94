package kdns.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;
import kdns.api.Plugin;
import kdns.host.plugins.PluginCfg;

/**
 * The plugin.cfg of an in-process test server: every plugin on the class path, in kdns's
 * distribution order (CoreDNS's order for the plugins CoreDNS has); unknown ones go last, sorted.
 */
public final class TestPluginCfg {

    /** kdns's chain order, as in the top-level plugin.cfg. */
    public static final List<String> ORDER = List.of(
            "root", "metadata", "geoip", "cancel", "quic", "grpc_server", "https", "tls", "timeouts", "multisocket", "reload", "nsid", "bufsize",
            "bind", "debug", "trace", "ready", "health", "pprof", "prometheus", "errors", "log", "dnstap",
            "local", "dns64", "acl", "any", "chaos", "loadbalance", "tsig", "cache", "rewrite", "header",
            "dnssec", "autopath", "minimal", "template", "transfer", "hosts", "route53", "azure", "clouddns",
            "k8s_external", "kubernetes", "multicluster", "file", "auto", "secondary", "etcd", "loop", "forward",
            "grpc", "erratic", "whoami", "on", "sign", "view", "nomad");

    private TestPluginCfg() {
    }

    /** A plugin.cfg naming every plugin visible to {@code loader}. */
    public static PluginCfg forClassPath(ClassLoader loader) {
        TreeSet<String> found = new TreeSet<>();
        ServiceLoader.load(Plugin.class, loader).stream().forEach(p -> found.add(p.get().name()));
        List<String> names = new ArrayList<>();
        for (String n : ORDER) {
            if (found.remove(n)) {
                names.add(n);
            }
        }
        names.addAll(found);
        StringBuilder sb = new StringBuilder();
        names.forEach(n -> sb.append(n).append(":classpath\n"));
        return PluginCfg.parse("plugin.cfg", sb.toString());
    }
}
