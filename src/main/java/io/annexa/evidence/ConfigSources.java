package io.annexa.evidence;

import java.util.Set;

/**
 * The names of the configuration sources ({@code ConfigEntry.getSource()}): one vocabulary for the parsers
 * that produce entries and for the rules and baseline that read them.
 */
public final class ConfigSources {

    public static final String AUDIT_RULES = "audit.rules";
    public static final String AUDITD_CONF = "auditd.conf";
    public static final String CHRONY_CONF = "chrony.conf";
    public static final String FAILLOCK_CONF = "faillock.conf";
    public static final String LOGIN_DEFS = "login.defs";
    public static final String LOGROTATE_CONF = "logrotate.conf";
    public static final String PAM_D = "pam.d";
    public static final String PWQUALITY_CONF = "pwquality.conf";
    public static final String RSYSLOG_CONF = "rsyslog.conf";
    public static final String SSHD_CONFIG = "sshd_config";
    public static final String SUDOERS = "sudoers";

    public static final Set<String> ALL = Set.of(AUDIT_RULES, AUDITD_CONF, CHRONY_CONF, FAILLOCK_CONF, LOGIN_DEFS, LOGROTATE_CONF,
            PAM_D, PWQUALITY_CONF, RSYSLOG_CONF, SSHD_CONFIG, SUDOERS);

    private ConfigSources() {
    }
}
