/** Upstream DNS servers for forward and cache tests: real ones started on 127.0.0.1, and fault-injecting ones. */
package kdns.testing.upstream;
