/**
 * A fake Kubernetes API server that speaks the real wire protocol (LIST with resourceVersion,
 * chunked WATCH, BOOKMARK, 410 Gone, label and field selectors, CRUD), for the official client.
 */
package kdns.testing.kubernetes;
