package dev.stride.verifier.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.stride.verifier.analysis.Sample;
import dev.stride.verifier.metrics.Reading;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Prometheus over https with a certificate of a private CA: trusted through the configured PEM file, else refused. */
class PrometheusTlsTest {

    private Path dir;
    private HttpsServer server;

    @BeforeEach
    void serve() throws Exception {
        dir = Files.createTempDirectory("stride-tls-");
        char[] storeKey = UUID.randomUUID().toString().toCharArray();
        Path store = dir.resolve("server.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "prometheus",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=localhost",
                "-ext",
                "san=ip:127.0.0.1",
                "-validity",
                "1",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                new String(storeKey));
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "prometheus",
                "-keystore",
                store.toString(),
                "-storepass",
                new String(storeKey),
                "-file",
                dir.resolve("ca.pem").toString());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, storeKey);
        }
        KeyManagerFactory managers =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, storeKey);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext(
                "/api/v1/query",
                exchange -> {
                    byte[] body =
                            "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"0.25\"]}}"
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(0);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void theConfiguredCaIsTrustedAndWithoutItTheCertificateIsAProviderError() {
        String url = "https://127.0.0.1:" + server.getAddress().getPort();
        PrometheusProvider trusting =
                new PrometheusProvider(
                        url,
                        Duration.ofSeconds(5),
                        Optional.empty(),
                        Optional.of(dir.resolve("ca.pem").toString()));
        assertThat(measure(trusting)).isEqualTo(Reading.value(0.25));

        PrometheusProvider plain =
                new PrometheusProvider(
                        url, Duration.ofSeconds(5), Optional.empty(), Optional.empty());
        Reading refused = measure(plain);
        assertThat(refused.kind()).isEqualTo(Sample.Kind.ERROR);
        assertThat(refused.message())
                .isEqualTo("Prometheus could not be asked: SSLHandshakeException");
    }

    private static Reading measure(PrometheusProvider provider) {
        return provider.measure("up", Instant.now()).await().atMost(Duration.ofSeconds(20));
    }

    private static void keytool(String... args) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        String[] command =
                Stream.concat(Stream.of(keytool.toString()), Stream.of(args))
                        .toArray(String[]::new);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
