package io.annexa.evidence;

import java.time.Instant;
import java.util.Objects;

/**
 * A user account from an identity source (a directory, a CMDB, /etc/passwd): who, whether it can log
 * in, whether it is privileged, when it was last used and who answers for it.
 *
 * @param asset     the system the account lives on (a host, or the directory's name)
 * @param lastLogin null when never used or unknown
 * @param owner     empty when nobody is recorded as responsible
 */
public record Account(String asset, String source, String user, boolean enabled, boolean privileged,
                      Instant lastLogin, String owner, Integer uid, Instant observedAt) {

    public Account {
        asset = AssetNames.normalize(asset);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(user, "user");
        owner = owner == null ? "" : owner.strip();
        Objects.requireNonNull(observedAt, "observedAt");
    }

    public String getAsset() { return asset; }
    public String getSource() { return source; }
    public String getUser() { return user; }
    public boolean isEnabled() { return enabled; }
    public boolean isPrivileged() { return privileged; }
    public Instant getLastLogin() { return lastLogin; }
    public String getOwner() { return owner; }
    public Integer getUid() { return uid; }
    public Instant getObservedAt() { return observedAt; }
}
