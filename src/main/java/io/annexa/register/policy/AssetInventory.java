package io.annexa.register.policy;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;

/**
 * The asset inventory ({@code config/assets.yml}): who owns an asset and how critical it is. An entry naming the
 * asset exactly wins over any glob; among globs the first in file order wins, so specific globs go first.
 */
public final class AssetInventory {

    /** A glob entry with its matcher compiled once: every finding's asset is looked up here. */
    private record Glob(PathMatcher matcher, AssetRecord record) {
    }

    private static final AssetInventory EMPTY = new AssetInventory(List.of());

    private final List<AssetRecord> records;
    private final Map<String, AssetRecord> byName = new HashMap<>();
    private final List<Glob> globs = new ArrayList<>();

    public AssetInventory(List<AssetRecord> records) {
        this.records = List.copyOf(records);
        for (AssetRecord record : this.records) {
            if (!record.isGlob()) {
                String name = AssetRecord.normalized(record.pattern());
                byName.putIfAbsent(name == null ? record.pattern() : name, record);
            } else {
                compile(record.pattern()).ifPresent(matcher -> globs.add(new Glob(matcher, record)));
            }
        }
    }

    public static AssetInventory empty() {
        return EMPTY;
    }

    /** Exact name beats a glob; among globs the first in file order wins. Empty for an asset not in the inventory. */
    public Optional<AssetRecord> find(String asset) {
        String name = AssetRecord.normalized(asset);
        if (name == null) {
            return Optional.empty();
        }
        AssetRecord exact = byName.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        Path path = Path.of(name);
        return globs.stream().filter(glob -> glob.matcher().matches(path)).map(Glob::record).findFirst();
    }

    /** Every entry in file order. */
    public List<AssetRecord> records() {
        return records;
    }

    /**
     * The JDK's glob matcher, as {@link io.annexa.evidence.PathGlob} uses it (asset names hold no {@code /}), but
     * compiled once; a glob it does not understand matches nothing, as there.
     */
    private static Optional<PathMatcher> compile(String glob) {
        try {
            return Optional.of(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        } catch (PatternSyntaxException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "AssetInventory[" + records.size() + " entries]";
    }
}
