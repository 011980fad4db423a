package dev.stride.executor.migration;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Where a release's Flyway scripts are read from: the request's directory as it is, or its archive (https, .zip,
 * .tar.gz or .tgz), downloaded within a deadline and a size limit, checked against the request's SHA-256 before a
 * byte of it is unpacked, then unpacked into a fresh directory that is deleted when the phase is done. Entries that
 * would land outside that directory (../, absolute paths, links) are refused. The whole download is bounded by the
 * phase's deadline.
 */
public final class ScriptSources {

    /** An archive of scripts larger than this is refused while it downloads. */
    static final long MAX_ARCHIVE_BYTES = 256L * 1024 * 1024;

    /** The scripts could not be had; nothing was changed. */
    public static final class ScriptsUnavailable extends Exception {
        public ScriptsUnavailable(String message) {
            super(message);
        }
    }

    /** Scripts ready to read; closing deletes what was unpacked. */
    public interface Scripts extends AutoCloseable {
        Path directory();

        /** Where they came from, for the step log. */
        String origin();

        @Override
        void close();
    }

    private final HttpClient http;
    private final Path workDirectory;

    public ScriptSources(Path workDirectory) {
        this.workDirectory = workDirectory;
        this.http =
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
    }

    /** The scripts of {@code request}, fetched within {@code deadline}. */
    public Scripts open(MigrationRequest request, Duration deadline) throws ScriptsUnavailable {
        if (request.scriptsDirectory().isPresent()) {
            Path directory = request.scriptsDirectory().get();
            if (!Files.isDirectory(directory) || !Files.isReadable(directory)) {
                throw new ScriptsUnavailable(
                        "database.scripts.directory "
                                + directory
                                + " is not a directory the executor can read");
            }
            return new Fixed(directory);
        }
        URI archive = request.scriptsArchive().orElseThrow();
        String expected =
                request.scriptsSha256()
                        .orElseThrow(
                                () ->
                                        new ScriptsUnavailable(
                                                "database.scripts.sha256 is required with an archive"));
        Path unpacked;
        try {
            Files.createDirectories(workDirectory);
            unpacked = Files.createTempDirectory(workDirectory, "scripts-");
        } catch (IOException e) {
            throw new ScriptsUnavailable(
                    "cannot make a directory for the scripts under "
                            + workDirectory
                            + ": "
                            + e.getMessage());
        }
        Path download = unpacked.resolve(".archive");
        try {
            String actual = fetch(archive, download, deadline);
            if (!actual.equals(expected)) {
                throw new ScriptsUnavailable(
                        "database.scripts.archive "
                                + shown(archive)
                                + " has SHA-256 "
                                + actual
                                + ", not the "
                                + expected
                                + " the request gives: not used");
            }
            unpack(archive, download, unpacked);
            Files.delete(download);
            return new Unpacked(unpacked, shown(archive) + " (sha256 " + actual + ")");
        } catch (ScriptsUnavailable e) {
            deleteTree(unpacked);
            throw e;
        } catch (IOException e) {
            deleteTree(unpacked);
            throw new ScriptsUnavailable(
                    "database.scripts.archive "
                            + shown(archive)
                            + " cannot be unpacked: "
                            + e.getMessage());
        }
    }

    // The whole download, body included, is bounded by the deadline (HttpRequest's timeout covers
    // only the wait for the headers).
    private String fetch(URI archive, Path file, Duration deadline) throws ScriptsUnavailable {
        HttpRequest request = HttpRequest.newBuilder(archive).timeout(deadline).GET().build();
        CompletableFuture<HttpResponse<Path>> download =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofFile(file));
        HttpResponse<Path> response;
        try {
            response = download.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            download.cancel(true);
            throw new ScriptsUnavailable(
                    "database.scripts.archive "
                            + shown(archive)
                            + " was not downloaded within "
                            + deadline.toSeconds()
                            + " s");
        } catch (ExecutionException e) {
            throw new ScriptsUnavailable(
                    "database.scripts.archive "
                            + shown(archive)
                            + " cannot be downloaded: "
                            + e.getCause());
        } catch (InterruptedException e) {
            download.cancel(true);
            Thread.currentThread().interrupt();
            throw new ScriptsUnavailable("the download of " + shown(archive) + " was interrupted");
        }
        if (response.statusCode() != 200) {
            throw new ScriptsUnavailable(
                    "database.scripts.archive "
                            + shown(archive)
                            + " answered HTTP "
                            + response.statusCode());
        }
        try {
            if (Files.size(file) > MAX_ARCHIVE_BYTES) {
                throw new ScriptsUnavailable(
                        "database.scripts.archive "
                                + shown(archive)
                                + " is larger than "
                                + MAX_ARCHIVE_BYTES / (1024 * 1024)
                                + " MiB");
            }
            return DatabaseBackups.sha256Of(file);
        } catch (IOException e) {
            throw new ScriptsUnavailable(
                    "the downloaded archive cannot be read: " + e.getMessage());
        }
    }

    private static void unpack(URI archive, Path file, Path into)
            throws IOException, ScriptsUnavailable {
        String path = archive.getPath();
        if (path.endsWith(".zip")) {
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
                for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                    write(entry.getName(), entry.isDirectory(), zip, into);
                }
            }
        } else if (path.endsWith(".tar.gz") || path.endsWith(".tgz")) {
            try (TarArchiveInputStream tar =
                    new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
                for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                    if (entry.isSymbolicLink() || entry.isLink()) {
                        throw new ScriptsUnavailable(
                                "database.scripts.archive holds a link ("
                                        + entry.getName()
                                        + "): refused");
                    }
                    if (entry.isDirectory() || entry.isFile()) {
                        write(entry.getName(), entry.isDirectory(), tar, into);
                    }
                }
            }
        } else {
            throw new ScriptsUnavailable(
                    "database.scripts.archive must be a .zip, .tar.gz or .tgz, not " + path);
        }
    }

    private static void write(String name, boolean directory, InputStream in, Path into)
            throws IOException, ScriptsUnavailable {
        Path target = into.resolve(name).normalize();
        if (!target.startsWith(into) || name.startsWith("/")) {
            throw new ScriptsUnavailable(
                    "database.scripts.archive holds " + name + ", outside the archive: refused");
        }
        if (directory) {
            Files.createDirectories(target);
            return;
        }
        Files.createDirectories(target.getParent());
        Files.copy(in, target);
    }

    // The archive's address without its query, which may hold a signature.
    static String shown(URI archive) {
        return archive.getScheme() + "://" + archive.getAuthority() + archive.getPath();
    }

    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Left for the operating system's temporary-file cleaning.
        }
    }

    private record Fixed(Path directory) implements Scripts {
        @Override
        public String origin() {
            return directory.toString();
        }

        @Override
        public void close() {}
    }

    private record Unpacked(Path directory, String origin) implements Scripts {
        @Override
        public void close() {
            deleteTree(directory);
        }
    }
}
