package dev.stride.kit.security;

/**
 * The roles a caller's token carries (in the claim {@code smallrye.jwt.path.groups} names, {@code groups} by
 * default). {@link #ADMIN} may do everything.
 */
public final class Roles {
    /** Read deployments, incidents, figures. */
    public static final String VIEWER = "stride-viewer";

    /** Create deployments (CI). */
    public static final String REQUESTER = "stride-requester";

    /** Approve deployments that need it (never one's own). */
    public static final String APPROVER = "stride-approver";

    /** Pause, resume, abort, promote, roll back; work incidents. */
    public static final String OPERATOR = "stride-operator";

    public static final String ADMIN = "stride-admin";

    private Roles() {}
}
