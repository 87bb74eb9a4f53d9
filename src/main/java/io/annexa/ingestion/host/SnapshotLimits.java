package io.annexa.ingestion.host;

import io.annexa.ingestion.SourceContext;
import java.util.Optional;

/**
 * How much one host snapshot may hold, folder or archive alike: a snapshot is written by whoever may drop into the
 * inbox, so an archive of a million entries or a gigabyte of zeros must be refused before it is unpacked, not after.
 *
 * @param maxEntries     files and folders in the snapshot
 * @param maxMemberBytes one file's size (a configuration file or a command's output)
 * @param maxTotalBytes  every file together, unpacked
 */
public record SnapshotLimits(int maxEntries, long maxMemberBytes, long maxTotalBytes) {

    public static final String MAX_ENTRIES_SETTING = "annexa.sources.hosts.max-entries";
    public static final String MAX_MEMBER_BYTES_SETTING = "annexa.sources.hosts.max-file-bytes";
    public static final String MAX_TOTAL_BYTES_SETTING = "annexa.sources.hosts.max-total-bytes";
    /** A host's security configuration is a few hundred files; a whole /etc a few thousand. */
    public static final SnapshotLimits DEFAULT = new SnapshotLimits(10_000, 1024 * 1024, 64L * 1024 * 1024);

    public SnapshotLimits {
        if (maxEntries < 1 || maxMemberBytes < 1 || maxTotalBytes < 1) {
            throw new IllegalArgumentException("host snapshot limits must be positive: " + maxEntries + " entries, "
                    + maxMemberBytes + " bytes per file, " + maxTotalBytes + " bytes in all");
        }
    }

    /** As the settings say, each defaulting to {@link #DEFAULT}'s. */
    public static SnapshotLimits of(SourceContext context) {
        return new SnapshotLimits(
                (int) number(context.setting(MAX_ENTRIES_SETTING), MAX_ENTRIES_SETTING, DEFAULT.maxEntries()),
                number(context.setting(MAX_MEMBER_BYTES_SETTING), MAX_MEMBER_BYTES_SETTING, DEFAULT.maxMemberBytes()),
                number(context.setting(MAX_TOTAL_BYTES_SETTING), MAX_TOTAL_BYTES_SETTING, DEFAULT.maxTotalBytes()));
    }

    private static long number(Optional<String> value, String setting, long otherwise) {
        if (value.isEmpty()) {
            return otherwise;
        }
        try {
            long number = Long.parseLong(value.get());
            if (number > 0 && number <= Integer.MAX_VALUE || number > 0 && !setting.equals(MAX_ENTRIES_SETTING)) {
                return number;
            }
        } catch (NumberFormatException e) {
            // said below, with the setting's name
        }
        throw new IllegalArgumentException(setting + ": '" + value.get() + "' is not a positive whole number");
    }
}
