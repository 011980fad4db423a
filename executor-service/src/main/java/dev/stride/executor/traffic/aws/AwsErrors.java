package dev.stride.executor.traffic.aws;

import dev.stride.executor.traffic.PlatformException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns AWS SDK failures into {@link PlatformException}s: throttling, 5xx, timeouts and connection failures are
 * transient (the executor retries them); not found, access denied, validation and the like are clear failures
 * with AWS's reason. Messages are scrubbed: no access key id, signature, security token or pre-signed URL query
 * gets into an event or a log line.
 */
final class AwsErrors {

    private static final Set<String> TRANSIENT_CODES =
            Set.of(
                    "Throttling",
                    "ThrottlingException",
                    "RequestLimitExceeded",
                    "TooManyRequestsException",
                    "RequestThrottled",
                    "RequestThrottledException",
                    "ProvisionedThroughputExceededException",
                    "ServiceUnavailable",
                    "ServiceUnavailableException",
                    "InternalFailure",
                    "InternalError",
                    "ServerException",
                    "RequestTimeout",
                    "RequestTimeoutException",
                    "PriorRequestNotComplete",
                    "EC2ThrottledException");

    private static final Pattern ACCESS_KEY =
            Pattern.compile("\\b(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\\b");
    private static final Pattern URL_QUERY =
            Pattern.compile("(https?://[^\\s?\"'<>]*)\\?[^\\s\"'<>]*");
    private static final Pattern SIGNED_PART =
            Pattern.compile(
                    "(?i)(x-amz-(security-token|signature|credential)|signature|credential|security-?token|"
                            + "secret-?access-?key|session-?token)\\s*[=:]\\s*[^\\s,&\"']+");

    private AwsErrors() {}

    /** One AWS call; {@code what} names it for the message, e.g. {@code "ELB ModifyRule on <rule>"}. */
    static <T> T call(String what, AwsCall<T> call) throws PlatformException {
        try {
            return call.call();
        } catch (SdkException e) {
            throw map(what, e);
        } catch (UncheckedIOException e) {
            throw new PlatformException(what + " failed: " + scrub(e.getMessage()), true, null);
        }
    }

    static PlatformException map(String what, SdkException e) {
        if (e instanceof AwsServiceException service) {
            String code =
                    service.awsErrorDetails() == null
                            ? null
                            : service.awsErrorDetails().errorCode();
            String message =
                    service.awsErrorDetails() == null
                            ? null
                            : service.awsErrorDetails().errorMessage();
            boolean retry =
                    service.isThrottlingException()
                            || service.statusCode() >= 500
                            || (code != null && TRANSIENT_CODES.contains(code));
            String reason =
                    what
                            + " failed: "
                            + (code == null ? "HTTP " + service.statusCode() : code)
                            + (message == null || message.isBlank() ? "" : ": " + scrub(message));
            // The cause is dropped on purpose: its message and request details may carry what the
            // scrub removed.
            return new PlatformException(reason, retry, null);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new PlatformException(what + " timed out", true, null);
        }
        boolean io = e instanceof SdkClientException && hasIoCause(e);
        return new PlatformException(what + " failed: " + scrub(e.getMessage()), io, null);
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** Removes what must not leave the executor from an AWS message. */
    static String scrub(String message) {
        if (message == null) {
            return "no reason given";
        }
        String text = URL_QUERY.matcher(message).replaceAll("$1?<redacted>");
        text = SIGNED_PART.matcher(text).replaceAll("$1=<redacted>");
        text = ACCESS_KEY.matcher(text).replaceAll("<access key>");
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }

    @FunctionalInterface
    interface AwsCall<T> {
        T call();
    }
}
