import kdns.plugin.standard.acl.AclPlugin;
import kdns.plugin.standard.any.AnyPlugin;
import kdns.plugin.standard.bind.BindPlugin;
import kdns.plugin.standard.bufsize.BufsizePlugin;
import kdns.plugin.standard.cancel.CancelPlugin;
import kdns.plugin.standard.chaos.ChaosPlugin;
import kdns.plugin.standard.debug.DebugPlugin;
import kdns.plugin.standard.dns64.Dns64Plugin;
import kdns.plugin.standard.erratic.ErraticPlugin;
import kdns.plugin.standard.errors.ErrorsPlugin;
import kdns.plugin.standard.file.FilePlugin;
import kdns.plugin.standard.header.HeaderPlugin;
import kdns.plugin.standard.grpc_server.GrpcServerPlugin;
import kdns.plugin.standard.health.HealthPlugin;
import kdns.plugin.standard.hosts.HostsPlugin;
import kdns.plugin.standard.https.HttpsPlugin;
import kdns.plugin.standard.loadbalance.LoadBalancePlugin;
import kdns.plugin.standard.local.LocalPlugin;
import kdns.plugin.standard.log.LogPlugin;
import kdns.plugin.standard.metadata.MetadataPlugin;
import kdns.plugin.standard.loop.LoopPlugin;
import kdns.plugin.standard.minimal.MinimalPlugin;
import kdns.plugin.standard.multisocket.MultisocketPlugin;
import kdns.plugin.standard.nsid.NsidPlugin;
import kdns.plugin.standard.prometheus.PrometheusPlugin;
import kdns.plugin.standard.quic.QuicPlugin;
import kdns.plugin.standard.ready.ReadyPlugin;
import kdns.plugin.standard.reload.ReloadPlugin;
import kdns.plugin.standard.rewrite.RewritePlugin;
import kdns.plugin.standard.root.RootPlugin;
import kdns.plugin.standard.template.TemplatePlugin;
import kdns.plugin.standard.timeouts.TimeoutsPlugin;
import kdns.plugin.standard.tls.TlsPlugin;
import kdns.plugin.standard.transfer.TransferPlugin;
import kdns.plugin.standard.tsig.TsigPlugin;
import kdns.plugin.standard.view.ViewPlugin;
import kdns.plugin.standard.whoami.WhoamiPlugin;

/**
 * The small built-in plugins: acl, any, bind, bufsize, cancel, chaos, debug, dns64, erratic, errors, file, grpc_server, header, health,
 * hosts, https, loadbalance, local, log, loop, metadata, minimal, multisocket, nsid, prometheus, quic, ready, reload,
 * rewrite, root, template, timeouts, tls, transfer, tsig, view and whoami. Nothing is exported; the host finds the plugins
 * through {@link kdns.api.Plugin}.
 */
@SuppressWarnings("requires-automatic")
module kdns.plugin.standard {
    requires kdns.api;
    requires jdk.httpserver;
    // The Prometheus text format for /metrics (an automatic module in the plugin's own layer).
    requires io.prometheus.writer.text;

    provides kdns.api.Plugin with
            AclPlugin,
            AnyPlugin,
            BindPlugin,
            BufsizePlugin,
            CancelPlugin,
            ChaosPlugin,
            DebugPlugin,
            Dns64Plugin,
            ErraticPlugin,
            ErrorsPlugin,
            FilePlugin,
            GrpcServerPlugin,
            HeaderPlugin,
            HealthPlugin,
            HostsPlugin,
            HttpsPlugin,
            LoadBalancePlugin,
            LocalPlugin,
            LogPlugin,
            LoopPlugin,
            MetadataPlugin,
            MinimalPlugin,
            MultisocketPlugin,
            NsidPlugin,
            PrometheusPlugin,
            QuicPlugin,
            ReadyPlugin,
            ReloadPlugin,
            RewritePlugin,
            RootPlugin,
            TemplatePlugin,
            TimeoutsPlugin,
            TlsPlugin,
            TransferPlugin,
            TsigPlugin,
            ViewPlugin,
            WhoamiPlugin;
}
