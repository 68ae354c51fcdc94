package kdns.plugin.standard.telemetry;

import kdns.api.Log;

/**
 * Where a plugin's log lines go. Production code uses {@link #of(Log)}; tests pass a sink that
 * records the lines, because {@link Log} binds standard output when it is first loaded.
 */
public interface LogSink {

    void info(String line);

    void warning(String line);

    void error(String line);

    void debug(String line);

    /** A sink that prints through {@code log} ({@code [INFO] plugin/<name>: ...} on stdout). */
    static LogSink of(Log log) {
        return new LogSink() {
            @Override
            public void info(String line) {
                log.info(line);
            }

            @Override
            public void warning(String line) {
                log.warning(line);
            }

            @Override
            public void error(String line) {
                log.error(line);
            }

            @Override
            public void debug(String line) {
                log.debug(line);
            }
        };
    }
}
