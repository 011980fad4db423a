package dev.stride.executor.traffic.kubernetes;

import static dev.stride.executor.traffic.kubernetes.NginxCanaryRouter.annotation;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The released image on a Deployment, shared by the canary, rolling and blue-green releases: which container is
 * released, its image, and the annotations that remember them on the Deployment (so a restarted executor finds
 * them again).
 */
final class Images {

    /** How the Deployment is being released: {@code canary} or {@code rolling}. */
    static final String STRATEGY = "stride.dev/strategy";

    /** The container whose image is released, once chosen. */
    static final String CONTAINER = "stride.dev/container";

    /** The image the Deployment ran before the release, for a rollback. */
    static final String PREVIOUS_IMAGE = "stride.dev/previous-image";

    /**
     * The tracked container's readiness probe before a rolling release set the request's health check (its JSON,
     * or {@code none}), so restoring stable puts that back too.
     */
    static final String PREVIOUS_PROBE = "stride.dev/previous-readiness-probe";

    private Images() {}

    static Map<String, String> annotations(Deployment d) {
        if (d.getMetadata().getAnnotations() == null) {
            d.getMetadata().setAnnotations(new HashMap<>());
        }
        return d.getMetadata().getAnnotations();
    }

    /**
     * The container whose image is released: the one named in the Deployment's annotation once chosen; otherwise
     * the only one; with several, the one whose image repository is the artifact's, else the first (sidecars are
     * usually listed after the application).
     */
    static String trackedContainer(Deployment d, String artifact) {
        List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
        String chosen = annotation(d, CONTAINER);
        if (chosen != null && containers.stream().anyMatch(c -> chosen.equals(c.getName()))) {
            return chosen;
        }
        if (artifact != null) {
            for (Container c : containers) {
                if (c.getImage() != null && repository(c.getImage()).equals(repository(artifact))) {
                    return c.getName();
                }
            }
        }
        return containers.get(0).getName();
    }

    private static String repository(String image) {
        String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
    }

    static String image(Deployment d, String container) {
        return containerNamed(d.getSpec().getTemplate().getSpec().getContainers(), container)
                .getImage();
    }

    static Deployment withImage(Deployment d, String container, String image) {
        withImage(d.getSpec().getTemplate(), container, image);
        return d;
    }

    static void withImage(PodTemplateSpec template, String container, String image) {
        containerNamed(template.getSpec().getContainers(), container).setImage(image);
    }

    /** The container named {@code name} (the first one when none is). */
    static Container container(Deployment d, String name) {
        return containerNamed(d.getSpec().getTemplate().getSpec().getContainers(), name);
    }

    private static Container containerNamed(List<Container> containers, String name) {
        return containers.stream()
                .filter(c -> name.equals(c.getName()))
                .findFirst()
                .orElse(containers.get(0));
    }
}
