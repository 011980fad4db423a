package dev.stride.verifier.metrics.probe;

import dev.stride.verifier.analysis.HealthProbe;
import dev.stride.verifier.metrics.Reading;
import dev.stride.verifier.metrics.Redaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Measures {@code health_check_success_rate} by asking the release itself, for applications whose metrics do not
 * count their health requests (the runbook's trigger would otherwise have no data and hold the deployment). Each
 * measurement sends the probe's {@code count} GETs at once; the reading is the percentage that answered 2xx within
 * the probe's timeout. Refused, timed out, 3xx (redirects are not followed), 4xx and 5xx are failures, so a release
 * whose health endpoint is gone reads 0% and its trigger fires. The Uni never fails and ends within the timeout,
 * whatever the endpoint does: a deadline covers connecting, the answer's headers and its body.
 */
@ApplicationScoped
public class HealthProber {

    private final HttpClient http =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();

    /** The probe's success rate in percent, or an error reading if its URL cannot be asked at all. */
    public Uni<Reading> measure(HealthProbe probe) {
        HttpRequest request;
        try {
            request =
                    HttpRequest.newBuilder(URI.create(probe.url()))
                            .timeout(probe.timeout())
                            .header("User-Agent", "stride-verifier health probe")
                            .GET()
                            .build();
        } catch (IllegalArgumentException e) {
            return Uni.createFrom()
                    .item(Reading.error("not a usable health URL: " + Redaction.url(probe.url())));
        }
        List<Uni<Boolean>> probes =
                IntStream.range(0, probe.count()).mapToObj(i -> once(request, probe)).toList();
        return Uni.join()
                .all(probes)
                .andCollectFailures()
                .map(
                        answers -> {
                            long passed = answers.stream().filter(Boolean::booleanValue).count();
                            return Reading.value(100.0 * passed / answers.size());
                        })
                .onFailure()
                .recoverWithItem(failure -> Reading.error("health probe: " + failure));
    }

    private Uni<Boolean> once(HttpRequest request, HealthProbe probe) {
        return Uni.createFrom()
                .completionStage(
                        () -> http.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                .ifNoItem()
                .after(probe.timeout())
                .fail()
                .map(response -> response.statusCode() >= 200 && response.statusCode() < 300)
                .onFailure()
                .recoverWithItem(false);
    }
}
