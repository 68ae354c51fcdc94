package kdns.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Instance;
import kdns.api.MetricsRegistry;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.host.metrics.PrometheusMetrics;
import kdns.host.plugins.PluginExtensions;
import kdns.host.setup.BuildInfo;

/** The instance a {@link TestController} reports: its handler list can be set by the test. */
public final class TestInstance implements Instance {

    /** The extension providers on the test's class path, shared by every test controller. */
    static final PluginExtensions EXTENSIONS = PluginExtensions.ofClassLoader(TestInstance.class.getClassLoader());

    private final MetricsRegistry metrics;
    private final Map<String, Object> shared = new ConcurrentHashMap<>();
    private volatile List<Handler> handlers = List.of();
    private final RecordingReloader reloader = new RecordingReloader();

    public TestInstance() {
        this(new PrometheusMetrics());
    }

    public TestInstance(MetricsRegistry metrics) {
        this.metrics = metrics;
    }

    /** Sets what {@link #handlers()} returns (e.g. handlers implementing Readiness). */
    public void handlers(List<Handler> list) {
        handlers = List.copyOf(list);
    }

    @Override
    public List<Handler> handlers() {
        return new ArrayList<>(handlers);
    }

    /** The handlers set with {@link #handlers(List)}, whatever the block. */
    @Override
    public List<Handler> blockHandlers(int serverBlockIndex) {
        return handlers();
    }

    @Override
    public <T> T shared(String key, Class<T> type, Supplier<T> create) {
        return type.cast(shared.computeIfAbsent(key, k -> create.get()));
    }

    @Override
    public MetricsRegistry metrics() {
        return metrics;
    }

    @Override
    public String corefilePath() {
        return "Corefile";
    }

    /** Serves through the first handler set with {@link #handlers(List)}; REFUSED when there is none. */
    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        List<Handler> h = handlers;
        if (h.isEmpty()) {
            return Rcodes.REFUSED;
        }
        return h.get(0).serve(request, writer);
    }

    @Override
    public RecordingReloader reloader() {
        return reloader;
    }

    @Override
    public String serverVersion() {
        return BuildInfo.serverVersion();
    }

    /** The providers on the test's class path ({@code META-INF/services}), as an embedded server finds them. */
    @Override
    public <S> List<S> extensions(Class<S> type) {
        return EXTENSIONS.providers(type);
    }
}
