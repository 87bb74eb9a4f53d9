package io.annexa.ingestion.host;

import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.ConfigSnapshot;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Names the files of a snapshot as the host names them: {@code <snapshot>/etc/ssh/sshd_config} is
 * {@code /etc/ssh/sshd_config}, and a command's saved output is named by the command. Where the snapshot happens to
 * lie (an inbox folder, a temporary folder an archive was unpacked into) is no evidence, and would change the evidence
 * text, so the register's occurrences, at every read.
 */
final class HostPaths {

    private final String root;
    private final Map<String, String> labels = new HashMap<>();

    HostPaths(Path root) {
        this.root = root.toString();
    }

    /** Names {@code file} {@code label} instead of its path. */
    void label(Path file, String label) {
        labels.put(file.toString(), label);
    }

    String name(String file) {
        String label = labels.get(file);
        if (label != null) {
            return label;
        }
        if (file.startsWith(root + "/")) {
            return file.substring(root.length());
        }
        return file;
    }

    ConfigSnapshot relabel(ConfigSnapshot read) {
        ConfigFile file = read.file();
        ConfigFile named = new ConfigFile(file.getAsset(), file.getSource(), name(file.getFile()), file.getObservedAt());
        List<ConfigEntry> entries = read.entries().stream().map(e -> new ConfigEntry(e.getAsset(), e.getSource(), name(e.getFile()),
                e.getLine(), e.getKey(), e.getValue(), e.getScope(), e.getObservedAt())).toList();
        return new ConfigSnapshot(named, entries, read.unresolved().stream().map(u -> u.inFile(name(u.getFile()))).toList());
    }

    /** The same problem, its file named as on the host. */
    InvalidInputException relabel(InvalidInputException problem) {
        String shown = problem.getReason().replace(root + "/", "/");
        return new InvalidInputException(name(problem.getFile()), problem.getLine(), shown);
    }
}
