package dev.stride.verifier.metrics;

import java.net.URI;
import java.util.regex.Pattern;

/** Keeps secrets out of what the verifier records and says: user info and query values of URLs are masked. */
public final class Redaction {

    private static final Pattern QUERY_VALUE = Pattern.compile("=([^&]*)");

    private Redaction() {}

    /** {@code https://user:secret@host/path?token=abc} becomes {@code https://***@host/path?token=***}. */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || uri.getRawAuthority() == null) {
                return maskQuery(url);
            }
            StringBuilder masked = new StringBuilder(uri.getScheme()).append("://");
            if (uri.getRawUserInfo() != null) {
                masked.append("***@");
            }
            masked.append(uri.getHost() == null ? "" : uri.getHost());
            if (uri.getPort() >= 0) {
                masked.append(':').append(uri.getPort());
            }
            masked.append(uri.getRawPath() == null ? "" : uri.getRawPath());
            if (uri.getRawQuery() != null) {
                masked.append('?')
                        .append(QUERY_VALUE.matcher(uri.getRawQuery()).replaceAll("=***"));
            }
            return masked.toString();
        } catch (IllegalArgumentException e) {
            return "(an unparsable URL)";
        }
    }

    private static String maskQuery(String url) {
        int question = url.indexOf('?');
        return question < 0
                ? url
                : url.substring(0, question + 1)
                        + QUERY_VALUE.matcher(url.substring(question + 1)).replaceAll("=***");
    }
}
