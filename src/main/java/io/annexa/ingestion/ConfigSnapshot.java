package io.annexa.ingestion;

import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import java.util.ArrayList;
import java.util.List;

/** Everything one read of one configuration file says: the file itself and its effective settings. */
public record ConfigSnapshot(ConfigFile file, List<ConfigEntry> entries) {

    public ConfigSnapshot {
        entries = List.copyOf(entries);
    }

    /** The facts to hand to the engine, replacing the previous read of the same file. */
    public List<Object> facts() {
        List<Object> facts = new ArrayList<>(entries.size() + 1);
        facts.add(file);
        facts.addAll(entries);
        return facts;
    }
}
