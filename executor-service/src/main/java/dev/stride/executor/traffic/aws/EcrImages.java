package dev.stride.executor.traffic.aws;

import dev.stride.executor.traffic.PlatformException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;

/**
 * ECR: whether an image a release names exists (tag or digest) before anything on the platform changes, so a
 * typo or an unfinished push fails the phase with a clear reason instead of an ECS deployment that cannot pull.
 */
final class EcrImages {

    private static final Pattern ECR_IMAGE =
            Pattern.compile(
                    "(\\d{12})\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/([a-z0-9._/-]+?)"
                            + "(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?");

    /** An image in ECR: registry (account), region, repository and tag or digest. */
    record EcrImage(
            String registryId, String region, String repository, String tag, String digest) {

        String describe() {
            return repository + (digest != null ? "@" + digest : ":" + tag);
        }
    }

    private EcrImages() {}

    /** The ECR coordinates of {@code image}; empty for an image from any other registry (not checked). */
    static Optional<EcrImage> parse(String image) {
        Matcher m = ECR_IMAGE.matcher(image);
        if (!m.matches()) {
            return Optional.empty();
        }
        String tag = m.group(4) == null && m.group(5) == null ? "latest" : m.group(4);
        return Optional.of(new EcrImage(m.group(1), m.group(2), m.group(3), tag, m.group(5)));
    }

    /** Fails (not transient) unless {@code image} is in its ECR repository. */
    static void requireExists(EcrClient ecr, EcrImage image) throws PlatformException {
        ImageIdentifier id =
                image.digest() != null
                        ? ImageIdentifier.builder().imageDigest(image.digest()).build()
                        : ImageIdentifier.builder().imageTag(image.tag()).build();
        String what = "ECR DescribeImages " + image.describe();
        try {
            ecr.describeImages(
                    r ->
                            r.registryId(image.registryId())
                                    .repositoryName(image.repository())
                                    .imageIds(id));
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if ("ImageNotFoundException".equals(code)) {
                throw new PlatformException(
                        "image "
                                + image.describe()
                                + " is not in ECR (registry "
                                + image.registryId()
                                + ", "
                                + image.region()
                                + "): push it before deploying",
                        false);
            }
            if ("RepositoryNotFoundException".equals(code)) {
                throw new PlatformException(
                        "ECR repository "
                                + image.repository()
                                + " does not exist (registry "
                                + image.registryId()
                                + ", "
                                + image.region()
                                + ")",
                        false);
            }
            throw AwsErrors.map(what, e);
        } catch (SdkException e) {
            throw AwsErrors.map(what, e);
        }
    }
}
