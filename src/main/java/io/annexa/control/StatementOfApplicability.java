package io.annexa.control;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Statement of Applicability (ISO/IEC 27001:2022 clause 6.1.3 d) as Annexa can state it at a
 * given moment: every control, the organisation's decision about it, how it is monitored and what
 * monitoring currently says. Problems an auditor would raise are part of it, not hidden in a log.
 */
public record StatementOfApplicability(Instant generatedAt, List<SoaEntry> entries) {

    public StatementOfApplicability {
        entries = List.copyOf(entries);
    }

    public List<String> problems() {
        return entries.stream().flatMap(e -> e.problems().stream()).toList();
    }

    public static StatementOfApplicability of(ControlCatalog catalog, Map<String, Applicability> decisions,
                                              List<MonitoringRule> rules, Map<String, List<Long>> openByControl,
                                              Instant now) {
        List<SoaEntry> entries = new ArrayList<>();
        for (Control control : catalog.all()) {
            Applicability decision = decisions.getOrDefault(control.id(), Applicability.byDefault(control.id()));
            List<MonitoringRule> citing = rules.stream().filter(r -> r.controls().contains(control.id())).toList();
            Instant lastEvaluated = citing.stream().map(MonitoringRule::lastEvaluated).filter(Objects::nonNull)
                    .max(Comparator.naturalOrder()).orElse(null);
            List<Long> open = openByControl.getOrDefault(control.id(), List.of());
            List<String> problems = new ArrayList<>();
            if (!decision.applicable() && decision.justification().isBlank()) {
                problems.add(control.id() + " is excluded without a justification (ISO/IEC 27001:2022 6.1.3 d requires one)");
            }
            if (!decision.applicable() && !citing.isEmpty()) {
                problems.add(control.id() + " is excluded but rules still monitor it: " + String.join(", ", citing.stream().map(MonitoringRule::id).toList()));
            }
            entries.add(new SoaEntry(control, decision, coverage(control.id(), citing),
                    citing.stream().map(MonitoringRule::id).toList(), lastEvaluated, open,
                    status(decision, !open.isEmpty(), lastEvaluated), problems));
        }
        return new StatementOfApplicability(now, entries);
    }

    public static Coverage coverage(String controlId, List<MonitoringRule> citing) {
        if (citing.stream().anyMatch(r -> r.controls().get(0).equals(controlId))) {
            return Coverage.AUTOMATED;
        }
        return citing.isEmpty() ? Coverage.MANUAL : Coverage.PARTIAL;
    }

    private static SoaStatus status(Applicability decision, boolean nonconforming, Instant lastEvaluated) {
        if (!decision.applicable()) {
            return SoaStatus.NOT_APPLICABLE;
        }
        if (nonconforming) {
            return SoaStatus.NONCONFORMING;
        }
        return lastEvaluated != null ? SoaStatus.COMPLIANT : SoaStatus.NOT_EVALUATED;
    }
}
