package dev.stride.planner.query;

import java.util.List;

/** A page of deployments, newest first: list items (without phases, approvals and timeline) and the totals. */
public record DeploymentList(
        List<DeploymentView> items, int page, int size, long totalItems, long totalPages) {}
