package dev.stride.notifier.channel;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The secret values of the configured channels (webhook URLs, signing secrets, API keys) and a mask for them: every
 * text that leaves the notifier as a log line, a delivery-log column, an error or an API response goes through
 * {@link #mask(String)}. A URL's path and query are secrets of their own (Slack's token is its path), so they are
 * masked wherever they appear, with or without the host.
 */
public final class Secrets {

    public static final String MASK = "****";

    /** Shorter values are not masked piecemeal: they would blank out ordinary words. */
    private static final int MIN_PART = 8;

    private final List<String> values;

    public Secrets(Collection<String> secrets) {
        Set<String> all = new LinkedHashSet<>();
        for (String secret : secrets) {
            if (secret == null || secret.isBlank()) {
                continue;
            }
            all.add(secret);
            if (secret.startsWith("whsec_")) {
                all.add(secret.substring("whsec_".length()));
            }
            parts(secret, all);
        }
        List<String> sorted = new ArrayList<>(all);
        // Longest first, so a whole URL is masked before its path would leave the host behind.
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        this.values = List.copyOf(sorted);
    }

    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String value : values) {
            masked = masked.replace(value, MASK);
        }
        return masked;
    }

    private static void parts(String secret, Set<String> into) {
        if (!secret.startsWith("http://") && !secret.startsWith("https://")) {
            return;
        }
        try {
            URI uri = URI.create(secret);
            String path = uri.getRawPath();
            if (path != null && path.length() >= MIN_PART) {
                into.add(path);
                // Slack: /services/T000/B000/<token>; the token alone is a secret too.
                String last = path.substring(path.lastIndexOf('/') + 1);
                if (last.length() >= MIN_PART) {
                    into.add(last);
                }
            }
            if (uri.getRawQuery() != null && uri.getRawQuery().length() >= MIN_PART) {
                into.add(uri.getRawQuery());
            }
        } catch (IllegalArgumentException e) {
            // Not a URL after all: the whole value is masked already.
        }
    }
}
