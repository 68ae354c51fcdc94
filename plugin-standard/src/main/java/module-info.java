import kdns.plugin.standard.bind.BindPlugin;
import kdns.plugin.standard.chaos.ChaosPlugin;
import kdns.plugin.standard.errors.ErrorsPlugin;
import kdns.plugin.standard.health.HealthPlugin;
import kdns.plugin.standard.log.LogPlugin;
import kdns.plugin.standard.ready.ReadyPlugin;
import kdns.plugin.standard.whoami.WhoamiPlugin;

/**
 * The small built-in plugins: bind, chaos, errors, health, log, ready and whoami. Nothing is
 * exported; the host finds the plugins through {@link kdns.api.Plugin}.
 */
module kdns.plugin.standard {
    requires kdns.api;
    requires jdk.httpserver;

    provides kdns.api.Plugin with
            BindPlugin,
            ChaosPlugin,
            ErrorsPlugin,
            HealthPlugin,
            LogPlugin,
            ReadyPlugin,
            WhoamiPlugin;
}
