/**
 * The kdns plugin SPI: {@link kdns.api.Plugin} (a Corefile directive), {@link kdns.api.Controller}
 * (its tokens and registration), {@link kdns.api.Handler} (serving queries), {@link kdns.api.Request},
 * {@link kdns.api.ResponseWriter} and {@link kdns.api.Readiness}.
 */
package kdns.api;
