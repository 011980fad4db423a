package dev.stride.kit.security;

import dev.stride.kit.problem.Problem;
import dev.stride.kit.problem.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import java.text.Normalizer;
import java.util.Locale;

/** Who calls, as the verified token names them, fit to be recorded in timelines, approvals and events. */
public final class Caller {

    private static final int MAX_NAME = 200;

    private Caller() {}

    /** The caller's name from the token; 403 if the token names no one usable (blank, too long, control characters). */
    public static String name(SecurityIdentity identity) {
        String name = identity.getPrincipal() == null ? null : identity.getPrincipal().getName();
        if (name == null
                || name.isBlank()
                || name.length() > MAX_NAME
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new ProblemException(
                    Problem.of(
                            403,
                            "Forbidden",
                            "the token's caller name (upn, preferred_username or sub) is missing or unusable"));
        }
        return name.strip();
    }

    /**
     * The form two names are compared in (four-eyes rules): Unicode-normalised, without surrounding white space of
     * any kind, in lower case; so " Alice", "alice" and "ALICE" are one person.
     */
    public static String comparable(String name) {
        return name == null
                ? ""
                : Normalizer.normalize(name, Normalizer.Form.NFKC).strip().toLowerCase(Locale.ROOT);
    }
}
