package io.annexa.bench;

import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.Severity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Ten configuration rules as a register sees them, built in code: several cite more than one control. */
final class BenchRules {

    static final List<RuleDefinition> RULES = List.of(
            rule("sshd_root_login_disabled", "8.5", Severity.HIGH, "sshd_config"),
            rule("sshd_password_authentication_disabled", "8.5", Severity.MEDIUM, "sshd_config"),
            rule("sshd_max_auth_tries_limited", "8.5", Severity.MEDIUM, "sshd_config"),
            rule("sudoers_nopasswd_absent", "8.2,8.18", Severity.HIGH, "sudoers"),
            rule("pam_pwquality_minlen_set", "5.17,8.5", Severity.MEDIUM, "pam.d"),
            rule("login_defs_pass_max_days_set", "5.17", Severity.LOW, "login.defs"),
            rule("chrony_time_source_configured", "8.17", Severity.LOW, "chrony"),
            rule("auditd_rules_immutable", "8.15", Severity.MEDIUM, "audit.rules"),
            rule("rsyslog_remote_forwarding_enabled", "8.15,8.16", Severity.MEDIUM, "rsyslog"),
            rule("logrotate_retention_kept", "8.15", Severity.CRITICAL, "logrotate"));

    private BenchRules() {
    }

    private static RuleDefinition rule(String id, String controls, Severity severity, String source) {
        return new RuleDefinition(id, id.replace('_', ' '), List.of(controls.split(",")), severity, List.of(source), "", "",
                Map.of(), Path.of("rules/bench/" + id), "bench." + id);
    }

    static String asset(int index) {
        return "host-%05d.prod.example.net".formatted(index);
    }

    /** What a configuration rule states as evidence: file, line, the offending value, about 150 characters. */
    static String evidence(RuleDefinition rule, String asset, int version) {
        return "/etc/%s: line %d: value found does not meet %s on %s (expected the hardened setting; read by the %s poll, revision %d)"
                .formatted(rule.sources().get(0), 10 + version, rule.id(), asset, rule.sources().get(0), version);
    }
}
