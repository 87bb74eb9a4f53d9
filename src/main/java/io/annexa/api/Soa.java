package io.annexa.api;

import io.annexa.control.Applicability;
import io.annexa.control.ControlCatalog;
import io.annexa.control.MonitoringRule;
import io.annexa.control.StatementOfApplicability;
import io.annexa.register.Nonconformity;
import io.annexa.service.AnnexaService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Assembles the Statement of Applicability from the catalog, the decisions, the rules and the register. */
final class Soa {

    private Soa() {
    }

    static StatementOfApplicability current(AnnexaService service) {
        return of(service, service.repository().map(r -> r.findActive()).orElse(List.of()));
    }

    /** The same from nonconformities already read ({@code findActive}), so a caller that needs them too reads them once. */
    static StatementOfApplicability of(AnnexaService service, List<Nonconformity> active) {
        ControlCatalog catalog = Ready.require(service, AnnexaService::catalog);
        List<MonitoringRule> rules = service.engine().map(engine -> engine.library().rules().stream()
                .map(r -> new MonitoringRule(r.id(), r.controls(), engine.lastEvaluated().get(r.id())))
                .toList()).orElse(List.of());
        return of(catalog, service.applicability(), rules, active, Instant.now());
    }

    static StatementOfApplicability of(ControlCatalog catalog, Map<String, Applicability> decisions, List<MonitoringRule> rules,
                                       List<Nonconformity> active, Instant now) {
        Map<String, List<Long>> openByControl = new HashMap<>();
        // accepted risks and fixes awaiting their effectiveness review do not make a control nonconforming
        for (Nonconformity nc : active) {
            if (!nc.getStatus().unfixed()) {
                continue;
            }
            for (String control : nc.getControls()) {
                openByControl.computeIfAbsent(control, c -> new ArrayList<>()).add(nc.getId());
            }
        }
        return StatementOfApplicability.of(catalog, decisions, rules, openByControl, now);
    }
}
