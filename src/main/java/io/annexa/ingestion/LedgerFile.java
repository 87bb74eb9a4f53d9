package io.annexa.ingestion;

import io.annexa.evidence.AssetNames;
import io.annexa.evidence.EvidenceKey;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One route's evidence ledger on disk: a line per (file, evidence key), tab-separated: the file's path (relative to
 * the route's folder when it lies in it, else absolute),
 * the key's source, asset and origin. Tab, line breaks and backslash inside a field are written {@code \t},
 * {@code \n}, {@code \r}, {@code \\}: file names may hold any of them. Four fixed columns with three escapes did
 * not seem worth a CSV library.
 *
 * <p>The file lives in Annexa's data directory, but is read as any input: lines are bounded in length, their
 * number by the ledger's cap, and a line that does not parse is reported with its number and skipped. A save
 * replaces the whole file atomically, so a crash leaves the previous ledger, never half of one.
 */
final class LedgerFile {

    /** Far above a path (4,096 bytes on Linux) plus a key, escaped. */
    static final int MAX_LINE = 16 * 1024;
    private static final String HEADER = "# Annexa evidence ledger: which file's read produced which evidence."
            + " Written by Annexa; columns: file, source, asset, origin (tab-separated, \\t \\n \\r \\\\ escaped).";

    private LedgerFile() {
    }

    /** What a ledger file says, and whether lines were left out because the ledger was full. */
    record Content(Map<String, Set<EvidenceKey>> files, boolean truncated) {
    }

    /**
     * @param problems told about each line skipped, as {@code file:line: reason}
     * @throws IOException the file cannot be read at all, or is not UTF-8
     */
    static Content read(Path file, int maxEntries, Consumer<String> problems) throws IOException {
        Map<String, Set<EvidenceKey>> files = new LinkedHashMap<>();
        int entries = 0;
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (Reader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
            StringBuilder line = new StringBuilder();
            for (int number = 1; ; number++) {
                int status = nextLine(in, line);
                if (status == END) {
                    return new Content(files, false);
                }
                if (status == CUT) {
                    problems.accept(file + ":" + number + ": line longer than " + MAX_LINE + " characters, skipped");
                    continue;
                }
                if (line.isEmpty() || line.charAt(0) == '#') {
                    continue;
                }
                if (entries == maxEntries) {
                    return new Content(files, true);
                }
                try {
                    Entry entry = parse(line.toString());
                    if (files.computeIfAbsent(entry.file(), f -> new LinkedHashSet<>()).add(entry.key())) {
                        entries++;
                    }
                } catch (IllegalArgumentException e) {
                    problems.accept(file + ":" + number + ": " + e.getMessage() + ", skipped");
                }
            }
        }
    }

    /** Replaces {@code file} with these entries: through a temporary file, on disk before the rename. */
    static void write(Path file, Map<String, Set<EvidenceKey>> files) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Set<EvidenceKey>> recorded : files.entrySet()) {
            for (EvidenceKey key : recorded.getValue()) {
                lines.add(line(recorded.getKey(), key));
            }
        }
        replace(file, HEADER, lines);
    }

    /**
     * Replaces {@code file} with a header line and these lines, atomically: through a temporary file, on disk before the
     * rename, so a crash leaves the previous file, never half of one.
     */
    static void replace(Path file, String header, Iterable<String> lines) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
             Writer out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8))) {
            out.write(header);
            out.write('\n');
            for (String line : lines) {
                out.write(line);
                out.write('\n');
            }
            out.flush();
            // otherwise a power cut can leave the renamed file empty
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private record Entry(String file, EvidenceKey key) {
    }

    private static Entry parse(String line) {
        String[] fields = line.split("\t", -1);
        if (fields.length != 4) {
            throw new IllegalArgumentException(fields.length + " fields instead of 4 (file, source, asset, origin)");
        }
        String file = unescape(fields[0], "file");
        try {
            Path path = Path.of(file);
            // relative names are relative to the route's folder, and stay inside it
            if (file.isEmpty() || !path.isAbsolute() && (path.normalize().startsWith("..") || !path.normalize().equals(path))) {
                throw new IllegalArgumentException("file '" + AssetNames.shown(file)
                        + "' is neither an absolute path nor a name inside the route's folder");
            }
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("file '" + AssetNames.shown(file) + "' is not a path: " + e.getReason());
        }
        String source = unescape(fields[1], "source");
        String origin = unescape(fields[3], "origin");
        if (source.isBlank() || origin.isBlank()) {
            throw new IllegalArgumentException("empty " + (source.isBlank() ? "source" : "origin"));
        }
        // the asset is checked as where it first entered: the key's constructor refuses what AssetNames refuses
        return new Entry(file, new EvidenceKey(source, unescape(fields[2], "asset"), origin));
    }

    static String escape(String value) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> escaped.append("\\\\");
                case '\t' -> escaped.append("\\t");
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    static String unescape(String value, String field) {
        StringBuilder plain = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\\') {
                plain.append(c);
                continue;
            }
            char next = ++i < value.length() ? value.charAt(i) : 0;
            switch (next) {
                case '\\' -> plain.append('\\');
                case 't' -> plain.append('\t');
                case 'n' -> plain.append('\n');
                case 'r' -> plain.append('\r');
                default -> throw new IllegalArgumentException(field + " has an unknown escape at character " + i
                        + " (only \\t \\n \\r \\\\)");
            }
        }
        return plain.toString();
    }

    static final int END = -1;
    static final int WHOLE = 0;
    static final int CUT = 1;

    /** Reads up to the next line feed without holding more than {@link #MAX_LINE} characters of it. */
    static int nextLine(Reader in, StringBuilder line) throws IOException {
        line.setLength(0);
        int c = in.read();
        if (c == -1) {
            return END;
        }
        boolean cut = false;
        while (c != -1 && c != '\n') {
            if (line.length() < MAX_LINE) {
                line.append((char) c);
            } else {
                cut = true;
            }
            c = in.read();
        }
        return cut ? CUT : WHOLE;
    }

    /** One entry as a line, without its line feed. */
    static String line(String file, EvidenceKey key) {
        return String.join("\t", escape(file), escape(key.source()), escape(key.asset()), escape(key.origin()));
    }
}
