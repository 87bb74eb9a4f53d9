package io.annexa.ingestion.ssh;

import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.ConfigParser;
import io.annexa.ingestion.ConfigParsers;
import io.annexa.ingestion.IncludeRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Copies a host's evidence files into a local folder laid out as on the host ({@code <root>/etc/ssh/sshd_config}), with
 * every file their includes lead to, resolved on the host. Nothing here knows an include syntax: the kind's own parser
 * reads the copy under an {@link IncludeRoot} at the copy and records where its includes lead, including places the
 * copy does not have yet; those are looked up on the host (a folder is listed, a file fetched), and the parsers read
 * again, until a round finds nothing new. A glob ({@code sshd_config.d/*.conf}) is thus expanded against the host's
 * listing by the same code that expands it when the snapshot is read.
 *
 * <p>A folder listed on the host gets an empty placeholder for each file in it, so that a parser's glob can see the
 * names; only the names a parser then reads are fetched, and the placeholders left are removed before the snapshot is
 * published. Files that hold secrets (private keys, shadow passwords) are never fetched, wherever an include points.
 */
final class SnapshotFetcher {

    /** What a fetch did, for the snapshot's description. */
    record Result(int files, long bytes, List<String> absent, List<String> denied, List<String> refused, List<String> unparsed) {
    }

    /** A limit was reached: the snapshot would be incomplete, so none is published. */
    static final class LimitReached extends IOException {
        LimitReached(String message) {
            super(message);
        }
    }

    /**
     * Never fetched, whatever points at them: what sshd, su or TLS servers keep secret. An include that matches one
     * (a careless {@code Include /etc/ssh/*}) is listed as refused.
     */
    private static final List<Pattern> SECRET = List.of(
            Pattern.compile(".*/ssh_host_[^/]*_key"),
            Pattern.compile(".*/[^/]*\\.(key|pem|p12|pfx|jks|keystore)"),
            Pattern.compile("/etc/(g?shadow|security/opasswd)-?"),
            Pattern.compile("/etc/ssl/private(/.*)?"),
            Pattern.compile("/(root|home/[^/]+)/.*"));

    private final RemoteFiles remote;
    private final String asset;
    private final Path root;
    private final SnapshotLimits limits;
    /** Local paths looked up on the host already, with what they were there. */
    private final Map<Path, RemoteFiles.Type> lookedUp = new HashMap<>();
    /** Placeholders for files seen in a listing and not fetched (yet). */
    private final Set<Path> placeholders = new LinkedHashSet<>();
    /** Folders made because a listing showed them, not listed themselves (yet). */
    private final Set<Path> unlistedFolders = new LinkedHashSet<>();
    private final Set<String> absent = new TreeSet<>();
    private final Set<String> denied = new TreeSet<>();
    private final Set<String> refused = new TreeSet<>();
    private final Set<String> unparsed = new TreeSet<>();
    private int files;
    private int listed;
    private long bytes;

    /** @param asset the host's asset name: sudoers expands {@code %h} in include paths with it */
    SnapshotFetcher(RemoteFiles remote, String asset, Path root, SnapshotLimits limits) {
        this.remote = remote;
        this.asset = asset;
        this.root = root.toAbsolutePath().normalize();
        this.limits = limits;
    }

    Result fetch() throws IOException {
        Map<Path, String> parsed = new java.util.LinkedHashMap<>();
        for (HostFiles.Start start : HostFiles.starts()) {
            Path local = local(start.path());
            lookUp(local, start.folder());
            if (start.source().isPresent() && lookedUp.get(local) == RemoteFiles.Type.FILE) {
                parsed.put(local, start.source().get());
            } else if (start.source().isPresent() && start.folder() && lookedUp.get(local) == RemoteFiles.Type.DIRECTORY) {
                try (Stream<Path> children = Files.list(local)) {
                    children.filter(Files::isRegularFile).sorted().forEach(child -> parsed.put(child, start.source().get()));
                }
            }
        }
        for (int round = 0; ; round++) {
            Set<Path> wanted = new LinkedHashSet<>();
            unparsed.clear();
            for (Map.Entry<Path, String> file : parsed.entrySet()) {
                wanted.addAll(includesOf(file.getKey(), file.getValue()));
            }
            // placeholders and folders made for a listing were never looked up themselves
            wanted.removeIf(lookedUp::containsKey);
            if (wanted.isEmpty()) {
                break;
            }
            if (round >= limits.maxRounds()) {
                throw new LimitReached("includes still lead to new files after " + limits.maxRounds() + " rounds (an include loop?)");
            }
            for (Path path : wanted) {
                lookUp(path, false);
            }
        }
        removePlaceholders();
        return new Result(files, bytes, List.copyOf(absent), List.copyOf(denied), List.copyOf(refused), List.copyOf(unparsed));
    }

    /**
     * Where the kind's parser, reading the copy, looked for included files and folders. A file the parser refuses is no
     * reason to stop: its includes read before the problem are still followed, and the problem is the snapshot
     * reader's to report.
     */
    private Set<Path> includesOf(Path file, String source) throws IOException {
        ConfigParser parser = ConfigParsers.forSource(source, root).orElseThrow();
        IncludeRoot.Recorded<String> recorded;
        try {
            recorded = IncludeRoot.recording(() -> {
                try {
                    parser.parse(file, asset, Instant.EPOCH);
                    return null;
                } catch (InvalidInputException e) {
                    return e.getMessage();
                }
            });
        } catch (InvalidInputException e) {
            throw new IllegalStateException("cannot happen: caught inside", e);
        }
        if (recorded.result() != null) {
            unparsed.add(remotePath(file) + ": " + recorded.result());
        }
        Set<Path> included = new LinkedHashSet<>();
        for (Path path : recorded.included().keySet()) {
            Path normal = path.toAbsolutePath().normalize();
            if (normal.startsWith(root) && !normal.equals(root.resolve(".annexa")) && !normal.startsWith(root.resolve(".annexa"))) {
                included.add(normal);
            }
        }
        return included;
    }

    /**
     * Looks a path up on the host: a file is fetched, a folder listed (its files fetched when {@code wholeFolder},
     * else given placeholders), anything else noted.
     */
    private void lookUp(Path local, boolean wholeFolder) throws IOException {
        String path = remotePath(local);
        if (isSecret(path)) {
            refused.add(path);
            lookedUp.put(local, RemoteFiles.Type.OTHER);
            dropPlaceholder(local);
            return;
        }
        RemoteFiles.Type type = remote.type(path);
        lookedUp.put(local, type);
        switch (type) {
            case FILE -> fetch(local, path);
            case DIRECTORY -> list(local, path, wholeFolder);
            case ABSENT -> {
                absent.add(path);
                dropPlaceholder(local);
            }
            case DENIED -> {
                denied.add(path);
                dropPlaceholder(local);
            }
            case OTHER -> dropPlaceholder(local);
        }
    }

    private void fetch(Path local, String path) throws IOException {
        if (++files > limits.maxFiles()) {
            throw new LimitReached("more than " + limits.maxFiles() + " files to fetch");
        }
        byte[] content;
        try {
            content = remote.read(path, limits.maxFileBytes());
        } catch (RemoteFiles.TooLarge e) {
            throw new LimitReached(e.getMessage());
        } catch (RemoteFiles.Denied e) {
            files--;
            denied.add(path);
            lookedUp.put(local, RemoteFiles.Type.DENIED);
            dropPlaceholder(local);
            return;
        }
        bytes += content.length;
        if (bytes > limits.maxTotalBytes()) {
            throw new LimitReached("more than " + limits.maxTotalBytes() + " bytes in all");
        }
        if (Files.isDirectory(local)) {
            // a listing said folder, the host now says file: take the host's word
            deleteTree(local);
        }
        Files.createDirectories(local.getParent());
        Files.write(local, content);
        placeholders.remove(local);
    }

    private void list(Path local, String path, boolean wholeFolder) throws IOException {
        List<RemoteFiles.Entry> entries;
        try {
            entries = remote.list(path);
        } catch (RemoteFiles.Denied e) {
            denied.add(path);
            lookedUp.put(local, RemoteFiles.Type.DENIED);
            return;
        }
        listed += entries.size();
        if (listed > limits.maxListed()) {
            throw new LimitReached("more than " + limits.maxListed() + " names listed in folders includes lead to");
        }
        if (Files.isRegularFile(local)) {
            Files.delete(local);
            placeholders.remove(local);
        }
        Files.createDirectories(local);
        unlistedFolders.remove(local);
        for (RemoteFiles.Entry entry : entries) {
            String name = entry.name();
            if (name.isEmpty() || name.contains("/") || name.contains("\0") || name.equals(".annexa") && local.equals(root)) {
                continue;
            }
            Path child = local.resolve(name).normalize();
            if (!child.getParent().equals(local)) {
                continue;
            }
            if (entry.type() == RemoteFiles.Type.FILE) {
                if (wholeFolder) {
                    lookUp(child, false);
                } else if (!Files.exists(child)) {
                    Files.createFile(child);
                    placeholders.add(child);
                }
            } else if (entry.type() == RemoteFiles.Type.DIRECTORY && !Files.exists(child)) {
                Files.createDirectory(child);
                unlistedFolders.add(child);
            }
        }
    }

    private void dropPlaceholder(Path local) throws IOException {
        if (placeholders.remove(local)) {
            Files.deleteIfExists(local);
        }
    }

    /** Placeholders nobody read, and folders made for a listing that no include entered, leave no trace. */
    private void removePlaceholders() throws IOException {
        for (Path placeholder : placeholders) {
            Files.deleteIfExists(placeholder);
        }
        placeholders.clear();
        List<Path> folders = new ArrayList<>(unlistedFolders);
        folders.sort(Comparator.comparing(Path::getNameCount).reversed());
        for (Path folder : folders) {
            try (Stream<Path> children = Files.list(folder)) {
                if (children.findAny().isEmpty()) {
                    Files.delete(folder);
                }
            }
        }
    }

    private Path local(String absolute) {
        Path local = root;
        for (String segment : absolute.split("/")) {
            if (!segment.isEmpty()) {
                local = local.resolve(segment);
            }
        }
        return local.normalize();
    }

    private String remotePath(Path local) {
        Path relative = root.relativize(local);
        return "/" + relative.toString().replace('\\', '/');
    }

    static boolean isSecret(String path) {
        return SECRET.stream().anyMatch(p -> p.matcher(path).matches());
    }

    private static void deleteTree(Path path) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
