package dev.stride.executor.migration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * The runbook's "backup before migrating" and its database rollback's restore, with the real PostgreSQL tools.
 *
 * <ul>
 *   <li>{@link #backup}: {@code pg_dump --format=custom}, its output streamed through a SHA-256 digest into
 *       {@code <name>.dump.partial}, renamed to {@code <name>.dump} only when {@code pg_dump} exits 0. Memory stays
 *       one 64 KiB buffer whatever the database's size; a failed or late dump leaves no file that looks complete.
 *   <li>{@link #restore}: the file's SHA-256 checked against the one the backup recorded, then
 *       {@code pg_restore --clean --if-exists --single-transaction --exit-on-error}: the database is as the backup
 *       had it, or unchanged.
 * </ul>
 *
 * Each call has a deadline: at it the child is killed (and its partial file removed). The calls block their thread
 * for the dump's or the restore's length (they are work, not waits): callers run them on a worker, never on an
 * event loop. Messages carry the tool's last lines of stderr with the password masked, never the password.
 */
public final class DatabaseBackups {

    /** A finished backup: where it is, how big, its SHA-256 (hex), and how long it took. */
    public record Backup(Path file, long bytes, String sha256, Duration took) {}

    /** Why a backup or a restore did not happen; nothing half-written is left behind. */
    public static final class BackupException extends Exception {
        public BackupException(String message) {
            super(message);
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final int BUFFER = 64 * 1024;
    private static final int STDERR_LINES = 5;

    private final String pgDump;
    private final String pgRestore;

    /** The tools on the PATH (Debian: {@code postgresql-client}). */
    public DatabaseBackups() {
        this("pg_dump", "pg_restore");
    }

    public DatabaseBackups(String pgDump, String pgRestore) {
        this.pgDump = pgDump;
        this.pgRestore = pgRestore;
    }

    /**
     * Whether a backup can be written to {@code directory}: it is made if missing, and a probe file is written
     * and deleted there. The MIGRATION phase asks this before its lock and Flyway, so a backup volume that is
     * missing, read-only or full says so first, with nothing changed.
     */
    public static void checkWritable(Path directory) throws BackupException {
        try {
            Files.createDirectories(directory);
            Path probe = Files.createTempFile(directory, ".stride-probe-", ".tmp");
            try {
                Files.write(probe, new byte[] {1});
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException | SecurityException e) {
            throw new BackupException(
                    "backup directory " + directory + " is not writable: " + e.getMessage());
        }
    }

    /** Dumps {@code database} to {@code directory/<name>.dump} within {@code timeout}. */
    public Backup backup(PostgresDatabase database, Path directory, String name, Duration timeout)
            throws BackupException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new BackupException(
                    "backup name must be letters, digits, '.', '_' or '-' (at most 200), not '"
                            + name
                            + "'");
        }
        Instant start = Instant.now();
        Path target = directory.resolve(name + ".dump");
        Path partial = directory.resolve(name + ".dump.partial");
        try {
            Files.createDirectories(directory);
            if (Files.exists(target)) {
                throw new BackupException(
                        "backup " + target + " exists already; a backup is never overwritten");
            }
        } catch (IOException e) {
            throw new BackupException(
                    "backup directory " + directory + " is not writable: " + e.getMessage());
        }
        List<String> command =
                List.of(
                        pgDump,
                        "--format=custom",
                        "--no-password",
                        "--lock-wait-timeout=" + Math.max(1, timeout.toSeconds()) + "s",
                        "--host=" + database.host(),
                        "--port=" + database.port(),
                        "--username=" + database.user(),
                        "--dbname=" + database.database());
        MessageDigest sha256 = sha256();
        long bytes = 0;
        Run run = start(command, database, timeout);
        try (InputStream out = run.process.getInputStream();
                OutputStream file = Files.newOutputStream(partial)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = out.read(buffer)) >= 0; ) {
                file.write(buffer, 0, n);
                sha256.update(buffer, 0, n);
                bytes += n;
            }
        } catch (IOException e) {
            run.kill();
            deleteQuietly(partial);
            throw new BackupException(
                    "backup of "
                            + database
                            + " could not be written to "
                            + partial
                            + ": "
                            + e.getMessage());
        }
        int exit = run.await();
        if (exit != 0 || run.late.get()) {
            deleteQuietly(partial);
            throw new BackupException(run.failure("pg_dump", database, exit, timeout));
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new BackupException(
                    "backup could not be named " + target + ": " + e.getMessage());
        }
        return new Backup(
                target,
                bytes,
                HexFormat.of().formatHex(sha256.digest()),
                Duration.between(start, Instant.now()));
    }

    /** Restores {@code backup} into {@code database} within {@code timeout}, after checking its SHA-256. */
    public Duration restore(PostgresDatabase database, Backup backup, Duration timeout)
            throws BackupException {
        Instant start = Instant.now();
        String actual;
        try {
            actual = sha256Of(backup.file());
        } catch (IOException e) {
            throw new BackupException(
                    "backup " + backup.file() + " cannot be read: " + e.getMessage());
        }
        if (!actual.equals(backup.sha256())) {
            throw new BackupException(
                    "backup "
                            + backup.file()
                            + " has SHA-256 "
                            + actual
                            + ", not the "
                            + backup.sha256()
                            + " recorded when it was made: not restored");
        }
        List<String> command =
                List.of(
                        pgRestore,
                        "--clean",
                        "--if-exists",
                        "--single-transaction",
                        "--exit-on-error",
                        "--no-owner",
                        "--no-password",
                        "--host=" + database.host(),
                        "--port=" + database.port(),
                        "--username=" + database.user(),
                        "--dbname=" + database.database(),
                        backup.file().toString());
        Run run = start(command, database, timeout);
        try (InputStream out = run.process.getInputStream()) {
            out.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            run.kill();
        }
        int exit = run.await();
        if (exit != 0 || run.late.get()) {
            throw new BackupException(run.failure("pg_restore", database, exit, timeout));
        }
        return Duration.between(start, Instant.now());
    }

    /** The SHA-256 (hex) of a file, read in one buffer's steps. */
    public static String sha256Of(Path file) throws IOException {
        MessageDigest sha256 = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                sha256.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private Run start(List<String> command, PostgresDatabase database, Duration timeout)
            throws BackupException {
        Path stderr;
        try {
            stderr = Files.createTempFile("stride-pg-", ".stderr");
        } catch (IOException e) {
            throw new BackupException(
                    "no temporary file for the tool's messages: " + e.getMessage());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().remove("PGPASSWORD");
        builder.environment().remove("PGPASSFILE");
        // libpq's own connect deadline is past ours: the call's deadline is the one that counts.
        builder.environment()
                .putAll(
                        database.environment(
                                (int) Math.min(Integer.MAX_VALUE, timeout.toSeconds() + 2)));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            deleteQuietly(stderr);
            throw new BackupException(
                    command.get(0)
                            + " cannot be started (is postgresql-client installed?): "
                            + e.getMessage());
        }
        return new Run(process, stderr, database.password(), timeout);
    }

    private static final class Run {
        final Process process;
        final Path stderr;
        final String password;
        final AtomicBoolean late = new AtomicBoolean();
        final CompletableFuture<Void> deadline;

        Run(Process process, Path stderr, String password, Duration timeout) {
            this.process = process;
            this.stderr = stderr;
            this.password = password;
            this.deadline =
                    CompletableFuture.runAsync(
                            () -> {
                                if (process.isAlive()) {
                                    late.set(true);
                                    kill();
                                }
                            },
                            CompletableFuture.delayedExecutor(
                                    timeout.toMillis(), TimeUnit.MILLISECONDS));
        }

        void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        int await() {
            try {
                // The output is closed, so the process is ending; the deadline still bounds the
                // wait.
                while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
                    if (late.get()) {
                        kill();
                    }
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                return -1;
            } finally {
                deadline.cancel(false);
                if (!late.get() && !process.isAlive() && process.exitValue() == 0) {
                    deleteQuietly(stderr);
                }
            }
        }

        String failure(String tool, PostgresDatabase database, int exit, Duration timeout) {
            String said = lastLines();
            deleteQuietly(stderr);
            if (late.get()) {
                return tool + " of " + database + " did not finish within " + timeout + "; stopped";
            }
            return tool
                    + " of "
                    + database
                    + " failed (exit "
                    + exit
                    + ")"
                    + (said.isEmpty() ? "" : ": " + said);
        }

        private String lastLines() {
            try {
                List<String> lines =
                        new ArrayList<>(Files.readAllLines(stderr, StandardCharsets.UTF_8));
                List<String> tail =
                        lines.subList(Math.max(0, lines.size() - STDERR_LINES), lines.size());
                String text = String.join(" | ", tail).trim();
                if (password != null && !password.isEmpty()) {
                    text = text.replace(password, "****");
                }
                return text.length() > 1000 ? text.substring(0, 1000) + "..." : text;
            } catch (IOException e) {
                return "";
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Nothing more to do: a partial file keeps its .partial name.
        }
    }
}
