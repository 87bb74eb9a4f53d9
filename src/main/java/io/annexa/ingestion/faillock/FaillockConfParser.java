package io.annexa.ingestion.faillock;

import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.evidence.ConfigSources;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.ConfigParser;
import io.annexa.ingestion.NameValueLines;
import io.annexa.ingestion.ConfigSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code /etc/security/faillock.conf}, where pam_faillock (Linux-PAM 1.5, {@code faillock_config.c}) takes the
 * settings its module lines do not give: {@code deny} (failures before the account is locked, 3 by default),
 * {@code unlock_time}, {@code fail_interval}, {@code root_unlock_time}, {@code dir}, {@code admin_group}, and the
 * flags {@code even_deny_root}, {@code audit}, {@code silent}, {@code no_log_info}, {@code local_users_only},
 * {@code nodelay}.
 *
 * <p>Each {@code name = value} line (the {@code =} optional) sets one: key the name as written (pam_faillock compares
 * names with {@code strcmp}, so {@code Deny} is an unknown option it ignores, and so is it here), value the rest of
 * the line without the blanks around it; a flag's value is {@code true}. A later line replaces an earlier one, so one
 * entry per name is reported, the one in force. {@code #} starts a comment anywhere. Debian's file is all comments:
 * only the {@link ConfigFile} fact, so rules can tell "read, nothing set" (the defaults apply) from "not read".
 * Values are not checked: pam_faillock ignores a value it cannot read and keeps its default.
 *
 * <p>Rejected: a line longer than 1,023 bytes (pam_faillock then refuses the whole file, failing every login through
 * it), and a line without a name.
 */
public final class FaillockConfParser implements ConfigParser {

    public static final String SOURCE = ConfigSources.FAILLOCK_CONF;

    /** fgets into a 1024-byte buffer; a longer line makes pam_faillock fail. */
    static final int MAX_LINE_BYTES = 1023;
    static final Set<String> FLAGS = Set.of("even_deny_root", "audit", "silent", "no_log_info", "local_users_only", "nodelay");

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public ConfigSnapshot parse(Path path, String asset, Instant observed) throws InvalidInputException, IOException {
        String file = path.toString();
        Map<String, ConfigEntry> effective = new LinkedHashMap<>();
        for (NameValueLines.Setting setting : NameValueLines.read(path, "a faillock.conf", MAX_LINE_BYTES,
                "pam_faillock refuses the whole file, and every login through it fails")) {
            String key = setting.name();
            String value = FLAGS.contains(key) ? "true" : setting.value();
            // re-inserted: entries in the order of the lines in force
            effective.remove(key);
            effective.put(key, new ConfigEntry(asset, SOURCE, file, setting.line(), key, value, "", observed));
        }
        return new ConfigSnapshot(new ConfigFile(asset, SOURCE, file, observed), new ArrayList<>(effective.values()));
    }
}
