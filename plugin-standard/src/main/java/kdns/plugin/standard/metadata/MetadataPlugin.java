package kdns.plugin.standard.metadata;

import java.util.List;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;

/**
 * {@code metadata [ZONES...]}: before a query of the zones (the block's when none are given) enters
 * the block, the plugins of the block that provide metadata ({@link kdns.api.MetadataProvider}) and
 * the block's view label it, for the view's expressions, {@code log}'s {@code {/label}} and
 * {@code template}'s {@code .Meta}. The server does the collecting, so the plugin adds no handler.
 */
public final class MetadataPlugin implements Plugin {

    @Override
    public String name() {
        return "metadata";
    }

    @Override
    public String description() {
        return "labels queries with the metadata of the block's plugins, for views, logs and templates";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        c.next();
        List<String> zones = c.zonesFromArgs();
        if (c.nextBlock() || c.next()) {
            throw c.argErr();
        }
        c.collectMetadata(zones);
    }
}
