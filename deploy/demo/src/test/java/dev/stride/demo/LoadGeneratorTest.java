package dev.stride.demo;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoadGeneratorTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:18080/",
                "http://localhost:18080/",
                "http://127.0.0.2/",
                "http://[::1]:18080/"
            })
    void loopbackIsAllowed(String url) {
        assertThatCode(() -> LoadGenerator.requireLoopback(URI.create(url)))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://example.com/",
                "http://10.0.0.1/",
                "http://localhost.example.com/",
                "https://127.0.0.1/",
                "http://0x7f000001/"
            })
    void anythingElseIsRefusedWithoutALookup(String url) {
        assertThatThrownBy(() -> LoadGenerator.requireLoopback(URI.create(url)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loopback");
    }
}
