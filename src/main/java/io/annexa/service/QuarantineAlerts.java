package io.annexa.service;

import io.annexa.alerting.AlertEvent;
import io.annexa.alerting.AlertOutbox;
import io.annexa.alerting.AlertSubject;
import io.annexa.control.Control;
import io.annexa.control.ControlCatalog;
import io.annexa.evaluation.Quarantine;
import io.annexa.evaluation.RuleDefinition;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Announces each quarantine of a rule once, as a {@code rule.quarantined} alert event in the outbox. The engine keeps
 * quarantines in memory only, so this does too: after a restart every rule runs again, and a rule that fails again is
 * quarantined (and announced) again, which is what the people who watch it need to know.
 *
 * <p>A quarantine is announced when its event is stored; if storing fails (database away), the next call tries again.
 * Quarantines that were lifted are forgotten: should the same version of a rule come back and fail again, that is a
 * new quarantine (its {@code since} differs) and is announced.
 */
public final class QuarantineAlerts {

    static final String TYPE = "rule.quarantined";

    private final Supplier<List<Quarantine>> quarantines;
    private final Function<String, Optional<RuleDefinition>> rules;
    private final ControlCatalog catalog;
    private final AlertOutbox outbox;
    private final String publicUrl;
    private final Set<Quarantine> announced = new HashSet<>();

    /**
     * @param quarantines the quarantines in force ({@code EvaluationEngine.quarantines()})
     * @param rules       a rule's definition in the library in service, for its title, controls and severity
     * @param publicUrl   where people reach Annexa ({@code annexa.public-url}); the link names the rule there
     */
    public QuarantineAlerts(Supplier<List<Quarantine>> quarantines, Function<String, Optional<RuleDefinition>> rules,
                            ControlCatalog catalog, AlertOutbox outbox, String publicUrl) {
        this.quarantines = quarantines;
        this.rules = rules;
        this.catalog = catalog;
        this.outbox = outbox;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    /** Stores one event per quarantine not announced yet, all in one transaction. @return the events stored */
    public synchronized List<AlertEvent> announceNew() {
        List<Quarantine> inForce = quarantines.get();
        announced.retainAll(inForce);
        List<Quarantine> fresh = inForce.stream().filter(q -> !announced.contains(q)).toList();
        if (fresh.isEmpty()) {
            return List.of();
        }
        List<AlertEvent> stored = outbox.record(fresh.stream().map(this::event).toList());
        announced.addAll(fresh);
        return stored;
    }

    private AlertEvent event(Quarantine quarantine) {
        Optional<RuleDefinition> rule = rules.apply(quarantine.ruleId());
        String control = rule.map(r -> r.controls().get(0)).orElse("");
        String severity = rule.map(r -> r.severity().label()).orElse("");
        String requirement = rule.map(RuleDefinition::requirement).orElse("");
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("event", TYPE);
        labels.put("rule", quarantine.ruleId());
        labels.put("control", control);
        labels.put("severity", severity);
        labels.put("theme", control.isEmpty() ? "" : catalog.find(control).map(Control::theme).orElse(""));
        labels.put("requirement", requirement);
        AlertSubject subject = new AlertSubject(null, quarantine.ruleId(), rule.map(RuleDefinition::title).orElse(null),
                control.isEmpty() ? null : control, control.isEmpty() ? null : "A." + control,
                rule.map(RuleDefinition::clauses).orElse(List.of()), requirement.isEmpty() ? null : requirement, null,
                severity.isEmpty() ? null : severity, "quarantined", null, null, quarantine.reason(), quarantine.since(),
                quarantine.since(), publicUrl + "/api/rules/" + quarantine.ruleId());
        return new AlertEvent(null, TYPE, quarantine.since(), labels, subject);
    }
}
