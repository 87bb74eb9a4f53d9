package io.annexa.control;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The five attribute dimensions ISO/IEC 27002:2022 gives every control, with their fixed vocabularies.
 * Values are written as in the standard without the leading {@code #}; {@link #parse} accepts both.
 * The catalog schema enumerates the same values (a test keeps the two equal).
 */
public enum Dimension {
    CONTROL_TYPE("controlType", List.of("Preventive", "Detective", "Corrective")),
    SECURITY_PROPERTY("securityProperty", List.of("Confidentiality", "Integrity", "Availability")),
    CYBERSECURITY_CONCEPT("cybersecurityConcept", List.of("Identify", "Protect", "Detect", "Respond", "Recover")),
    OPERATIONAL_CAPABILITY("operationalCapability", List.of("Governance", "Asset_management",
            "Information_protection", "Human_resource_security", "Physical_security", "System_and_network_security",
            "Application_security", "Secure_configuration", "Identity_and_access_management",
            "Threat_and_vulnerability_management", "Continuity", "Supplier_relationships_security",
            "Legal_and_compliance", "Information_security_event_management", "Information_security_assurance")),
    SECURITY_DOMAIN("securityDomain", List.of("Governance_and_Ecosystem", "Protection", "Defence", "Resilience"));

    private final String key;
    private final List<String> values;

    Dimension(String key, List<String> values) {
        this.key = key;
        this.values = values;
    }

    /** The name used in XML, JSON and query parameters: {@code controlType}. */
    public String key() {
        return key;
    }

    public List<String> vocabulary() {
        return values;
    }

    /** The canonical value for {@code text} ({@code #preventive}, {@code Preventive}), if it is one of this dimension's. */
    public Optional<String> parse(String text) {
        String bare = text.strip().startsWith("#") ? text.strip().substring(1) : text.strip();
        return values.stream().filter(v -> v.toLowerCase(Locale.ROOT).equals(bare.toLowerCase(Locale.ROOT))).findFirst();
    }

    public static Optional<Dimension> byKey(String key) {
        for (Dimension d : values()) {
            if (d.key.equals(key)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
