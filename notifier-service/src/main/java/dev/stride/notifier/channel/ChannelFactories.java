package dev.stride.notifier.channel;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The kinds of channel there are: every {@link ChannelFactory} bean, by its type. No switch on the kind of a channel
 * anywhere: a configured channel's {@code type} picks its factory here.
 */
@ApplicationScoped
public class ChannelFactories {

    private final TreeMap<String, ChannelFactory> byType = new TreeMap<>();

    @Inject
    public ChannelFactories(Instance<ChannelFactory> factories) {
        this(factories.stream().toList());
    }

    public ChannelFactories(List<ChannelFactory> factories) {
        for (ChannelFactory factory : factories) {
            ChannelFactory before = byType.put(factory.type(), factory);
            if (before != null) {
                throw new IllegalStateException(
                        "two kinds of channel are called "
                                + factory.type()
                                + ": "
                                + before.getClass().getName()
                                + " and "
                                + factory.getClass().getName());
            }
        }
    }

    /** The factory of a configured {@code type} (case and surrounding blanks do not matter, as for an enum). */
    public Optional<ChannelFactory> forType(String type) {
        return Optional.ofNullable(type).map(t -> byType.get(t.strip().toLowerCase(Locale.ROOT)));
    }

    /** The types there is a factory for, sorted. */
    public Set<String> types() {
        return byType.navigableKeySet();
    }
}
