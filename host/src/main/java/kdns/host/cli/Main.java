package kdns.host.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import kdns.host.corefile.CorefileException;
import kdns.host.metrics.PrometheusMetrics;
import kdns.host.plugins.PluginCatalog;
import kdns.host.plugins.PluginCfg;
import kdns.host.plugins.PluginLoadException;
import kdns.host.runtime.DnsServer;
import kdns.host.runtime.ReloadSignal;
import kdns.host.runtime.Reloads;
import kdns.host.runtime.TerminateSignal;
import kdns.host.setup.BuildInfo;
import kdns.host.setup.CorefileSource;
import kdns.host.setup.InstanceBuilder.LoadedCorefile;
import kdns.host.setup.InstanceBuilder;
import kdns.host.setup.ListenAddress;
import kdns.host.setup.ServerInstance;

/**
 * {@code kdns}: CoreDNS's command line. The distribution's launcher sets {@code kdns.home}, where
 * {@code conf/plugin.cfg} and the {@code plugins/} folders are.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err, System.in);
        if (code >= 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the command line. Returns the exit code, or -1 when the server is running (the caller
     * returns and the process lives until a signal stops it).
     */
    static int run(String[] args, PrintStream out, PrintStream err, InputStream in) {
        Flags flags;
        try {
            flags = Flags.parse(args);
        } catch (Flags.UsageException e) {
            if (!e.getMessage().isEmpty()) {
                err.println(e.getMessage());
            }
            err.print(Flags.USAGE);
            return e.exitCode;
        }
        if (flags.version()) {
            out.println(versionText());
            return 0;
        }
        PluginCatalog catalog;
        try {
            catalog = loadCatalog();
        } catch (PluginLoadException | IOException | IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        }
        if (flags.plugins()) {
            try {
                printPlugins(catalog, flags.verbose(), out);
            } catch (PluginLoadException e) {
                err.println(e.getMessage());
                return 1;
            }
            return 0;
        }
        PrometheusMetrics metrics = new PrometheusMetrics();
        Reloads.InstanceSource source = new Reloads.InstanceSource() {
            @Override
            public LoadedCorefile parse() throws CorefileException {
                // stdin can be read once: a reload of a piped Corefile reads an empty one, as CoreDNS does.
                return CorefileSource.load(flags.conf(), flags.dnsPort(), new HashSet<>(catalog.order()),
                        System.getenv(), in, w -> out.println("[WARNING] " + w));
            }

            @Override
            public ServerInstance build(LoadedCorefile corefile) throws CorefileException {
                ServerInstance inst = InstanceBuilder.build(corefile, catalog, metrics);
                try {
                    inst.listenPlan(); // transport checks belong to validation too
                } catch (CorefileException | RuntimeException e) {
                    inst.hooks().abandon(); // set up, never served: close what setups started
                    throw e;
                }
                return inst;
            }
        };
        ServerInstance instance;
        try {
            instance = source.build(source.parse());
        } catch (CorefileException e) {
            err.println(e.getMessage());
            return 1;
        }
        if (flags.validate()) {
            // only checked: what the setups started (the etcd client) is closed, the process can end
            instance.hooks().abandon();
            out.println("Corefile OK");
            return 0;
        }
        DnsServer server = new DnsServer(DnsServer.Options.defaults(), metrics);
        Reloads reloads = new Reloads(server, source);
        instance.useReloader(reloads);
        ReloadSignal.install(reloads);
        try {
            server.start(instance);
        } catch (CorefileException e) {
            err.println(e.getMessage());
            return 1;
        }
        if (flags.pidfile() != null) {
            try {
                Files.writeString(Path.of(flags.pidfile()), ProcessHandle.current().pid() + "\n");
            } catch (IOException e) {
                err.println("failed to write pidfile " + flags.pidfile() + ": " + e.getMessage());
                server.close();
                return 1;
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            if (flags.pidfile() != null) {
                try {
                    Files.deleteIfExists(Path.of(flags.pidfile()));
                } catch (IOException ignored) {
                    // the process is ending; a stale pidfile is the most that is left
                }
            }
            stopped.countDown();
        }, "shutdown"));
        TerminateSignal.install();
        if (!flags.quiet()) {
            printBanner(server, out);
        }
        Thread keeper = Thread.ofPlatform().name("main-wait").start(() -> {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            keeper.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static PluginCatalog loadCatalog() throws PluginLoadException, IOException {
        String home = System.getProperty("kdns.home");
        if (home != null) {
            Path h = Path.of(home);
            return PluginCatalog.fromLayers(PluginCfg.read(h.resolve("conf/plugin.cfg")), h.resolve("plugins"));
        }
        String cfg = System.getProperty("kdns.plugincfg");
        if (cfg == null) {
            throw new PluginLoadException("no plugins: run kdns through its launcher (bin/kdns), which sets "
                    + "-Dkdns.home, or give -Dkdns.plugincfg=FILE with the plugins on the class path");
        }
        return PluginCatalog.fromClassPath(PluginCfg.read(Path.of(cfg)), Main.class.getClassLoader());
    }

    private static void printPlugins(PluginCatalog catalog, boolean verbose, PrintStream out)
            throws PluginLoadException {
        // Loading every folder here, not only the used ones, checks the whole distribution as before.
        Map<String, PluginCatalog.Provided> providers = catalog.providers();
        out.println("Server types:");
        out.println("  dns");
        out.println();
        out.println("Caddyfile loaders:");
        out.println("  flag");
        out.println("  default");
        out.println();
        out.println("Other plugins:");
        for (String name : catalog.describe()) {
            if (verbose) {
                PluginCatalog.Provided p = providers.get(name.substring(4));
                out.println("  " + name + "  (" + p.module() + ") " + p.plugin().description());
            } else {
                out.println("  " + name);
            }
        }
    }

    private static void printBanner(DnsServer server, PrintStream out) {
        server.boundAddresses().forEach((addr, bound) -> {
            for (var chain : zonesOf(server, addr)) {
                out.println(chain);
            }
        });
        out.println(versionText());
    }

    private static List<String> zonesOf(DnsServer server, ListenAddress addr) {
        try {
            return server.instance().listenPlan().get(addr).stream()
                    .map(c -> (addr.transport().equals("dns") ? "" : addr.transport() + "://") + c.zone() + ":"
                            + server.boundAddresses().get(addr).getPort()).toList();
        } catch (CorefileException e) {
            return List.of();
        }
    }

    static String versionText() {
        return BuildInfo.serverVersion() + "\n" + System.getProperty("os.name").toLowerCase(Locale.ROOT)
                + "/" + arch() + ", java " + Runtime.version().feature() + "." + Runtime.version().interim() + "."
                + Runtime.version().update() + ", " + BuildInfo.commit();
    }

    private static String arch() {
        String a = System.getProperty("os.arch");
        return a.equals("x86_64") ? "amd64" : a.equals("aarch64") ? "arm64" : a;
    }
}
