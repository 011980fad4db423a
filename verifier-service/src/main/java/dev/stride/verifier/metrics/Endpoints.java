package dev.stride.verifier.metrics;

import java.net.URI;
import java.util.Locale;

/**
 * The endpoint a call goes to, as a bulkhead knows it: {@code scheme://host:port}, without user info, path or query
 * (so never a credential). Two Prometheus behind one host and port are one endpoint: when that host stops answering,
 * both do.
 */
public final class Endpoints {

    private Endpoints() {}

    /** The endpoint of {@code url}; '' when it is not a URL with a host. */
    public static String of(String url) {
        if (url == null || url.isBlank()) {
            return "";
        }
        try {
            URI uri = URI.create(url.strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return "";
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** A TCP endpoint (a database's host and port). */
    public static String tcp(String host, int port) {
        return host == null || host.isBlank()
                ? ""
                : "tcp://" + host.toLowerCase(Locale.ROOT) + ":" + port;
    }
}
