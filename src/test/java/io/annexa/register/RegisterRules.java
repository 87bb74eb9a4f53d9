package io.annexa.register;

import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.RuleMetadata;
import io.annexa.evaluation.Severity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The rules the register's contract raises nonconformities for: real ones from the library, and two it lacks. */
final class RegisterRules {

    /** high, 8.5 and 8.2, reads sshd_config: major on an asset of medium criticality. */
    static final RuleDefinition ROOT_LOGIN = RuleMetadata.of("technological/c8_05_secure_authentication/sshd_root_login_disabled");
    /** medium, 8.5, reads sshd_config: minor on an asset of medium criticality. */
    static final RuleDefinition PASSWORDS = RuleMetadata.of("technological/c8_05_secure_authentication/sshd_password_authentication_disabled");
    /** medium, 8.9, reads ten kinds of configuration: what a nonconformity resting on several sources needs. */
    static final RuleDefinition BASELINE = RuleMetadata.of("technological/c8_09_configuration_management/config_matches_baseline");
    /** medium, 8.16, raised against clause 9.1: a gap in monitoring. */
    static final RuleDefinition SOURCE_SILENT = RuleMetadata.of("technological/c8_16_monitoring_activities/source_reporting_on_schedule");
    /** medium, 8.16 and 8.5, reads the log: its findings are incidents. */
    static final RuleDefinition BRUTE_FORCE = RuleMetadata.of("technological/c8_16_monitoring_activities/ssh_brute_force_detected");
    /** medium, 8.8, reads xccdf: its findings cite each failed check's own controls and severity. */
    static final RuleDefinition OPENSCAP = RuleMetadata.of("technological/c8_08_management_of_technical_vulnerabilities/openscap_failed_checks_absent");
    /** low, 5.17: the organizational theme. */
    static final RuleDefinition LOGIN_DEFS = RuleMetadata.of("organizational/c5_17_authentication_information/login_defs_password_max_age_limited");

    /** Not in the library: a rule whose first control is 8.20, which a filter on 8.2 must not match. */
    static final RuleDefinition FIREWALL = new RuleDefinition("nftables_default_deny",
            "The host firewall drops what it does not allow", List.of("8.20"), Severity.MEDIUM, List.of("nftables"),
            "", "", Map.of(), Path.of("rules/technological/c8_20_networks_security/nftables_default_deny"),
            "technological.c8_20_networks_security.nftables_default_deny");

    /** A title longer than the register's column (500): the database refuses its row. */
    static final RuleDefinition OVERLONG = new RuleDefinition("sshd_overlong_title", "t".repeat(600),
            List.of("8.5"), Severity.LOW, List.of("sshd_config"), "", "", Map.of(),
            Path.of("rules/technological/c8_05_secure_authentication/sshd_overlong_title"),
            "technological.c8_05_secure_authentication.sshd_overlong_title");

    private static final Map<String, RuleDefinition> ALL = Stream.of(ROOT_LOGIN, PASSWORDS, BASELINE, SOURCE_SILENT,
            BRUTE_FORCE, LOGIN_DEFS, FIREWALL, OVERLONG, OPENSCAP).collect(Collectors.toMap(RuleDefinition::id, rule -> rule));

    private RegisterRules() {
    }

    /** The enabled rules, as the engine's library answers the register. */
    static Optional<RuleDefinition> enabled(String id) {
        return Optional.ofNullable(ALL.get(id));
    }

    /** The enabled rules but one, as after that one was switched off in config/rules.yml. */
    static Function<String, Optional<RuleDefinition>> without(RuleDefinition retired) {
        return id -> id.equals(retired.id()) ? Optional.empty() : enabled(id);
    }
}
