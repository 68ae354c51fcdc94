package kdns.plugin.standard.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import kdns.api.Instance;

/**
 * The addresses each server block of an instance was restricted to by {@code bind}, recorded by
 * the bind plugin so that {@code prometheus} and {@code loop} can name the block's servers the way
 * CoreDNS does ({@code dns://127.0.0.1:53}) — the SPI lets a plugin set the listen hosts but not
 * read them. Shared per instance through {@link Instance#shared}.
 */
public final class BlockListenHosts {

    private static final String KEY = "kdns.plugin.standard.bind.hosts";

    private final Map<Integer, List<String>> byBlock = new ConcurrentHashMap<>();

    /** The record of {@code instance}. */
    public static BlockListenHosts of(Instance instance) {
        return instance.shared(KEY, BlockListenHosts.class, BlockListenHosts::new);
    }

    /** Records the addresses of {@code block} (replacing what an earlier call recorded). */
    public void set(int block, List<String> hosts) {
        byBlock.put(block, List.copyOf(hosts));
    }

    /** The addresses of {@code block}; empty when it listens on every address. */
    public List<String> get(int block) {
        return byBlock.getOrDefault(block, List.of());
    }
}
