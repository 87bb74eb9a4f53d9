package io.annexa.evaluation;

import io.annexa.evidence.ConfigEntry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration entries of one read that no rule of the library reads, packed. They wait beside the session for a
 * library that reads them, and a fleet has many: a Debian {@code login.defs} sets 37 keys and the rules read 6, so
 * 10,000 hosts leave about 380,000. As objects they cost 52 bytes each and as many objects for every full collection
 * to trace; here an entry is four shared string references and a line number, and the asset, source and time of the
 * read it shares with the others are held once.
 */
final class UnreadEntries {

    private static final int FIELDS = 4;

    private final String asset;
    private final String source;
    private final Instant observedAt;
    /** file, key, value, scope of each entry in turn. */
    private final String[] fields;
    private final int[] lines;

    private UnreadEntries(String asset, String source, Instant observedAt, String[] fields, int[] lines) {
        this.asset = asset;
        this.source = source;
        this.observedAt = observedAt;
        this.fields = fields;
        this.lines = lines;
    }

    /**
     * The entries packed (none for none). Entries that do not share the first one's asset, source and
     * time (no reader makes such a read today) are packed in groups of their own.
     */
    static List<UnreadEntries> pack(List<ConfigEntry> entries) {
        List<UnreadEntries> packed = new ArrayList<>(1);
        List<ConfigEntry> rest = entries;
        while (!rest.isEmpty()) {
            ConfigEntry first = rest.get(0);
            List<ConfigEntry> same = new ArrayList<>(rest.size());
            List<ConfigEntry> other = new ArrayList<>();
            for (ConfigEntry entry : rest) {
                (sharesRead(first, entry) ? same : other).add(entry);
            }
            String[] fields = new String[same.size() * FIELDS];
            int[] lines = new int[same.size()];
            for (int i = 0; i < same.size(); i++) {
                ConfigEntry entry = same.get(i);
                fields[i * FIELDS] = entry.getFile();
                fields[i * FIELDS + 1] = entry.getKey();
                fields[i * FIELDS + 2] = entry.getValue();
                fields[i * FIELDS + 3] = entry.getScope();
                lines[i] = entry.getLine();
            }
            packed.add(new UnreadEntries(first.getAsset(), first.getSource(), first.getObservedAt(), fields, lines));
            rest = other;
        }
        return packed.size() == 1 ? List.of(packed.get(0)) : packed;
    }

    private static boolean sharesRead(ConfigEntry first, ConfigEntry entry) {
        return entry.getAsset().equals(first.getAsset()) && entry.getSource().equals(first.getSource())
                && entry.getObservedAt().equals(first.getObservedAt());
    }

    /** The entries as they were read (equal to them, not the same objects). */
    static List<ConfigEntry> unpack(List<UnreadEntries> packed) {
        List<ConfigEntry> entries = new ArrayList<>();
        for (UnreadEntries group : packed) {
            group.addTo(entries);
        }
        return entries;
    }

    private void addTo(List<ConfigEntry> entries) {
        for (int i = 0; i < lines.length; i++) {
            entries.add(new ConfigEntry(asset, source, fields[i * FIELDS], lines[i], fields[i * FIELDS + 1],
                    fields[i * FIELDS + 2], fields[i * FIELDS + 3], observedAt));
        }
    }
}
