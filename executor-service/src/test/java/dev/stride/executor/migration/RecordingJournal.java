package dev.stride.executor.migration;

import dev.stride.executor.migration.DatabaseBackups.Backup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link MigrationPhase.Journal} kept in memory: the steps as {@code call:result}, and their times. */
final class RecordingJournal implements MigrationPhase.Journal {

    final List<String> calls = new ArrayList<>();
    private final Map<String, Duration> took = new LinkedHashMap<>();
    private Backup backup;

    @Override
    public void step(String call, String result, String detail, Duration duration) {
        calls.add(call + ":" + result);
        took.merge(call, duration, Duration::plus);
    }

    @Override
    public Optional<Backup> earlierBackup() {
        return Optional.ofNullable(backup);
    }

    @Override
    public void backedUp(Backup taken) {
        backup = taken;
    }

    Duration took(String call) {
        return took.getOrDefault(call, Duration.ZERO);
    }
}
