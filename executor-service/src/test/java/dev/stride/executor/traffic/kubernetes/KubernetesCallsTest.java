package dev.stride.executor.traffic.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.executor.traffic.PlatformException;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

class KubernetesCallsTest {

    @Test
    void theApiServersStatusMessageIsKeptAndItsCodeDecidesWhetherToRetry() {
        PlatformException forbidden =
                KubernetesCalls.failure(
                        "updating deployment shop/web",
                        refusal(
                                403,
                                "deployments.apps \"web\" is forbidden: User \"stride\" cannot patch resource"));
        assertThat(forbidden.isTransient()).isFalse();
        assertThat(forbidden.getMessage())
                .isEqualTo(
                        "updating deployment shop/web: deployments.apps \"web\" is "
                                + "forbidden: User \"stride\" cannot patch resource (HTTP 403)");

        assertThat(KubernetesCalls.failure("x", refusal(404, "not found")).isTransient()).isFalse();
        assertThat(KubernetesCalls.failure("x", refusal(503, "etcd unavailable")).isTransient())
                .isTrue();
        assertThat(
                        KubernetesCalls.failure("x", refusal(409, "the object has been modified"))
                                .isTransient())
                .isTrue();
        assertThat(KubernetesCalls.failure("x", refusal(500, null)).getMessage())
                .isEqualTo("x: no reason given (HTTP 500)");
    }

    private static KubernetesClientException refusal(int code, String message) {
        return new KubernetesClientException(
                new StatusBuilder().withCode(code).withMessage(message).build());
    }
}
