package dev.stride.executor.traffic.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.executor.traffic.aws.EcrImages.EcrImage;
import org.junit.jupiter.api.Test;

class EcrImagesTest {

    @Test
    void ecrImagesAreRecognisedByRegistryRegionRepositoryAndTagOrDigest() {
        assertThat(EcrImages.parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/myapp:3f9c2e1"))
                .contains(new EcrImage("123456789012", "us-east-1", "myapp", "3f9c2e1", null));
        assertThat(EcrImages.parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/shop"))
                .contains(new EcrImage("123456789012", "eu-west-1", "team/shop", "latest", null));
        String digest = "sha256:" + "ab".repeat(32);
        assertThat(
                        EcrImages.parse(
                                "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/shop@" + digest))
                .contains(new EcrImage("123456789012", "cn-north-1", "shop", null, digest));
    }

    @Test
    void imagesFromOtherRegistriesAreNotCheckedInEcr() {
        assertThat(EcrImages.parse("registry.example.com/shop:1.4.2")).isEmpty();
        assertThat(EcrImages.parse("public.ecr.aws/nginx/nginx:1.27")).isEmpty();
        assertThat(EcrImages.parse("nginx")).isEmpty();
    }
}
