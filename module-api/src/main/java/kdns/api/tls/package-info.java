/** TLS material for plugins and the server: certificates and keys read from PEM files. */
package kdns.api.tls;
