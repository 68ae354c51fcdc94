package kdns.host.plugins.indexfixture;

/**
 * A class that ModuleIndexTest packs into a jar of its own, to load it through a module layer whose
 * descriptors come from a module index. Needs nothing beyond java.base.
 */
public final class Greeting {

    private Greeting() {
    }

    public static String text() {
        return "hello from " + Greeting.class.getModule().getName();
    }
}
