package io.annexa.ingestion;

import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.evidence.UnresolvedInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one read of one configuration file says: the file itself, its effective settings, and the includes
 * whose files were not read (so what it says is incomplete).
 */
public record ConfigSnapshot(ConfigFile file, List<ConfigEntry> entries, List<UnresolvedInclude> unresolved) {

    public ConfigSnapshot {
        entries = List.copyOf(entries);
        unresolved = List.copyOf(unresolved);
    }

    public ConfigSnapshot(ConfigFile file, List<ConfigEntry> entries) {
        this(file, entries, List.of());
    }

    /** The facts to hand to the engine, replacing the previous read of the same file. */
    public List<Object> facts() {
        List<Object> facts = new ArrayList<>(entries.size() + unresolved.size() + 1);
        facts.add(file);
        facts.addAll(entries);
        facts.addAll(unresolved);
        return facts;
    }
}
