package io.annexa.ingestion.ssh;

import io.annexa.evidence.ConfigSources;
import java.util.List;
import java.util.Optional;

/**
 * Where each kind of evidence lives on a host: the files a collection starts from. Includes are not listed: the
 * kind's own parser finds them in what was fetched ({@link SnapshotFetcher}). A source kind added to
 * {@link ConfigSources} needs its line here (a test checks that every kind has one).
 */
public final class HostFiles {

    /**
     * One starting point.
     *
     * @param source the kind whose parser reads it (for its includes); empty for a file no parser reads yet
     * @param path   absolute path on the host
     * @param folder every regular file directly in it is fetched (PAM services, audit rule fragments)
     */
    public record Start(Optional<String> source, String path, boolean folder) {
    }

    private static final List<Start> STARTS = List.of(
            file(ConfigSources.AUDIT_RULES, "/etc/audit/audit.rules"),
            folder(ConfigSources.AUDIT_RULES, "/etc/audit/rules.d"),
            file(ConfigSources.AUDITD_CONF, "/etc/audit/auditd.conf"),
            file(ConfigSources.CHRONY_CONF, "/etc/chrony/chrony.conf"),
            // Red Hat's place
            file(ConfigSources.CHRONY_CONF, "/etc/chrony.conf"),
            file(ConfigSources.LOGIN_DEFS, "/etc/login.defs"),
            file(ConfigSources.LOGROTATE_CONF, "/etc/logrotate.conf"),
            folder(ConfigSources.PAM_D, "/etc/pam.d"),
            file(ConfigSources.PWQUALITY_CONF, "/etc/security/pwquality.conf"),
            // pam_faillock's settings: read beside the PAM stack
            file(ConfigSources.FAILLOCK_CONF, "/etc/security/faillock.conf"),
            file(ConfigSources.RSYSLOG_CONF, "/etc/rsyslog.conf"),
            file(ConfigSources.SSHD_CONFIG, "/etc/ssh/sshd_config"),
            file(ConfigSources.SUDOERS, "/etc/sudoers"));

    private HostFiles() {
    }

    public static List<Start> starts() {
        return STARTS;
    }

    private static Start file(String source, String path) {
        return new Start(Optional.of(source), path, false);
    }

    private static Start folder(String source, String path) {
        return new Start(Optional.of(source), path, true);
    }
}
