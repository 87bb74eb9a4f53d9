package io.annexa.ingestion;

import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The directory that stands for {@code /} when a parser follows the includes of this machine's own
 * configuration. Tests put a whole {@code /etc} under a temporary folder this way, and no include, however
 * written ({@code ../../../etc/shadow}), reaches outside it.
 */
public final class IncludeRoot {

    private final Path root;
    /**
     * The files and folders includes led to on this thread while {@link #recording}, with their versions before they
     * were read. Every parser reaches included files through this class only, so recording here spares each of them
     * a parameter.
     */
    private static final ThreadLocal<Map<Path, FileChanges.Version>> RECORDED = new ThreadLocal<>();

    public IncludeRoot(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** @return null for a null root: the parser then records includes without reading them */
    public static IncludeRoot of(Path root) {
        return root == null ? null : new IncludeRoot(root);
    }

    public Path path() {
        return root;
    }

    /** Something a parser does that reads files. */
    @FunctionalInterface
    public interface Reading<T> {
        T run() throws InvalidInputException, IOException;
    }

    /** What {@code reading} produced, and every file and folder its includes led to, with their versions. */
    public record Recorded<T>(T result, Map<Path, FileChanges.Version> included) {
    }

    /** Runs {@code reading} on this thread, recording where includes lead (also includes that do not exist). */
    public static <T> Recorded<T> recording(Reading<T> reading) throws InvalidInputException, IOException {
        Map<Path, FileChanges.Version> outer = RECORDED.get();
        Map<Path, FileChanges.Version> included = new LinkedHashMap<>();
        RECORDED.set(included);
        try {
            return new Recorded<>(reading.run(), Map.copyOf(included));
        } finally {
            if (outer == null) {
                RECORDED.remove();
            } else {
                RECORDED.set(outer);
            }
        }
    }

    private static Path record(Path path) {
        Map<Path, FileChanges.Version> included = RECORDED.get();
        if (included != null) {
            included.computeIfAbsent(path, FileChanges.Version::of);
        }
        return path;
    }

    /**
     * Where an absolute name ({@code /etc/logrotate.d}) lies under the root; it need not exist.
     *
     * @param file the file and line naming it, for the message when it leads outside the root
     */
    public Path resolve(String absolute, String file, int line) throws InvalidInputException {
        Path resolved = root;
        for (String segment : absolute.split("/")) {
            if (!segment.isEmpty()) {
                resolved = resolved.resolve(segment);
            }
        }
        return record(inside(resolved, absolute, file, line));
    }

    /**
     * The existing paths an absolute glob(3) pattern names, in lexical order like glob(3). '*', '?' and '[...]' match
     * within one path segment; a leading dot must be matched explicitly. A pattern matching nothing is no error:
     * every program read here skips it.
     */
    public List<Path> glob(String pattern, String file, int line) throws InvalidInputException, IOException {
        List<Path> candidates = List.of(root);
        for (String segment : pattern.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            List<Path> next = new ArrayList<>();
            for (Path dir : candidates) {
                if (!hasGlob(segment)) {
                    next.add(dir.resolve(segment));
                } else if (Files.isDirectory(record(dir))) {
                    Pattern regex = globRegex(segment, pattern, file, line);
                    for (Path child : children(dir)) {
                        String name = child.getFileName().toString();
                        if (regex.matcher(name).matches() && (!name.startsWith(".") || segment.startsWith("."))) {
                            next.add(child);
                        }
                    }
                }
            }
            candidates = next;
        }
        List<Path> found = new ArrayList<>();
        for (Path candidate : candidates) {
            inside(candidate, pattern, file, line);
            if (Files.exists(record(candidate))) {
                found.add(candidate);
            }
        }
        found.sort(Comparator.comparing(Path::toString));
        return found;
    }

    /** Regular files directly in a directory whose names pass the filter, sorted by name; none if it is absent. */
    public static List<Path> filesIn(Path dir, Predicate<String> name) throws IOException {
        // recorded absent too: a drop-in folder created later is a change
        if (!Files.isDirectory(record(dir))) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        for (Path child : children(dir)) {
            if (Files.isRegularFile(child) && name.test(child.getFileName().toString())) {
                files.add(record(child));
            }
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return files;
    }

    /** Whether a file name matches a glob(3) pattern such as {@code *.dpkg-old}. */
    public static boolean matches(String glob, String name) {
        return globRegex(glob).matcher(name).matches();
    }

    private Path inside(Path candidate, String written, String file, int line) throws InvalidInputException {
        if (!candidate.normalize().startsWith(root)) {
            throw new InvalidInputException(file, line, "include '" + written + "' leads outside " + root);
        }
        return candidate;
    }

    /** A folder listed: its modification time changes when a file is added, removed or renamed in it. */
    private static List<Path> children(Path dir) throws IOException {
        record(dir);
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        }
        return children;
    }

    private static boolean hasGlob(String segment) {
        return segment.indexOf('*') >= 0 || segment.indexOf('?') >= 0 || segment.indexOf('[') >= 0;
    }

    /** POSIX glob for one path segment: '*', '?', '[...]' with '!' or '^' negation, '\' escapes. */
    private static Pattern globRegex(String glob, String pattern, String file, int line) throws InvalidInputException {
        try {
            return globRegex(glob);
        } catch (PatternSyntaxException e) {
            throw new InvalidInputException(file, line, "include '" + pattern + "' is not a pattern glob(3) reads: "
                    + e.getDescription());
        }
    }

    private static Pattern globRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            int close = c == '[' ? classEnd(glob, i) : -1;
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else if (c == '\\' && i + 1 < glob.length()) {
                regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
            } else if (close >= 0) {
                int j = i + 1;
                boolean negated = "!^".indexOf(glob.charAt(j)) >= 0;
                if (negated) {
                    j++;
                }
                StringBuilder members = new StringBuilder();
                for (; j < close; j++) {
                    char from = glob.charAt(j);
                    char to = from;
                    if (j + 2 < close && glob.charAt(j + 1) == '-') {
                        to = glob.charAt(j + 2);
                        j += 2;
                    }
                    // a reversed range ([z-a]) matches nothing in glob(3); in a regex it would not compile
                    if (from <= to) {
                        members.append(classMember(from)).append(from == to ? "" : "-" + classMember(to));
                    }
                }
                if (members.isEmpty()) {
                    regex.append(negated ? "." : "(?!)");
                } else {
                    regex.append('[').append(negated ? "^" : "").append(members).append(']');
                }
                i = close;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private static String classMember(char c) {
        return Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c;
    }

    /** The ']' closing a class opened at {@code open}, or -1 (then '[' is literal); a leading ']' is a member. */
    private static int classEnd(String glob, int open) {
        int first = open + 1;
        if (first < glob.length() && "!^".indexOf(glob.charAt(first)) >= 0) {
            first++;
        }
        return glob.indexOf(']', first + 1);
    }
}
