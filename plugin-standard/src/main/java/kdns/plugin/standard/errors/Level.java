package kdns.plugin.standard.errors;

import kdns.plugin.standard.telemetry.LogSink;

/** The log level of a consolidated summary ({@code consolidate ... LEVEL}). */
enum Level {
    WARNING, ERROR, INFO, DEBUG;

    /** The level named {@code s} ({@code warning error info debug}), or null. */
    static Level fromString(String s) {
        return switch (s) {
            case "warning" -> WARNING;
            case "error" -> ERROR;
            case "info" -> INFO;
            case "debug" -> DEBUG;
            default -> null;
        };
    }

    void log(LogSink sink, String line) {
        switch (this) {
            case WARNING -> sink.warning(line);
            case ERROR -> sink.error(line);
            case INFO -> sink.info(line);
            case DEBUG -> sink.debug(line);
        }
    }
}
