package dev.stride.demo;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded load: {@code rate} requests a second to {@code url} for {@code seconds}, then it stops on its own. The
 * URL must be on loopback: this tool never sends traffic anywhere else.
 */
final class LoadGenerator {

    static final Set<String> OPTIONS = Set.of("url", "rate", "seconds");

    private LoadGenerator() {}

    static void run(Options options) throws Exception {
        URI url = URI.create(options.text("url", "http://127.0.0.1:18080/"));
        int rate = options.integer("rate", 50);
        int seconds = options.integer("seconds", 600);
        requireLoopback(url);
        if (rate < 1 || rate > 500) {
            throw new IllegalArgumentException(
                    "--rate must be from 1 to 500 requests a second, got " + rate);
        }
        if (seconds < 1 || seconds > 3600) {
            throw new IllegalArgumentException("--seconds must be from 1 to 3600, got " + seconds);
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request =
                HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).GET().build();
        AtomicLong sent = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        ticks.scheduleAtFixedRate(
                () -> {
                    sent.incrementAndGet();
                    client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                            .whenComplete(
                                    (response, error) -> {
                                        if (error != null || response.statusCode() >= 500) {
                                            failed.incrementAndGet();
                                        }
                                    });
                },
                0,
                1_000_000L / rate,
                TimeUnit.MICROSECONDS);
        ticks.scheduleAtFixedRate(
                () -> System.out.printf("load: %d sent, %d failed%n", sent.get(), failed.get()),
                10,
                10,
                TimeUnit.SECONDS);
        System.out.printf("load: %d requests/s to %s for %d s%n", rate, url, seconds);
        ticks.awaitTermination(seconds, TimeUnit.SECONDS);
        ticks.shutdownNow();
        System.out.printf("load: done, %d sent, %d failed%n", sent.get(), failed.get());
    }

    /** Only {@code localhost} or a loopback address literal: a name is never looked up. */
    static void requireLoopback(URI url) throws UnknownHostException {
        String host = url.getHost();
        boolean literal = host != null && (host.matches("[0-9.]+") || host.startsWith("["));
        boolean loopback =
                "localhost".equalsIgnoreCase(host)
                        || (literal && InetAddress.getByName(host).isLoopbackAddress());
        if (!loopback || !"http".equals(url.getScheme())) {
            throw new IllegalArgumentException(
                    "--url must be http on loopback (127.0.0.1 or localhost), got " + url);
        }
    }
}
