/**
 * The small HTTP listeners of {@code health}, {@code ready} and {@code prometheus}: one path per
 * listener, and the {@code [HOST]:PORT} address they take (Go's {@code net.SplitHostPort} rules).
 * Not exported.
 */
package kdns.plugin.standard.endpoint;
