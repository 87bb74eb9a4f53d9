package io.annexa.api;

import io.annexa.control.Applicability;
import io.annexa.control.ControlCatalog;
import io.annexa.control.MonitoringRule;
import io.annexa.control.StatementOfApplicability;
import io.annexa.register.Nonconformity;
import io.annexa.register.NonconformityRepository;
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
        // only what is not yet fixed counts, and only its id and controls: read as columns, not as entities
        return ofUnfixed(Ready.require(service, AnnexaService::catalog), service.applicability(), rules(service),
                service.repository().map(NonconformityRepository::unfixed).orElse(List.of()), Instant.now());
    }

    static StatementOfApplicability of(ControlCatalog catalog, Map<String, Applicability> decisions, List<MonitoringRule> rules,
                                       List<Nonconformity> active, Instant now) {
        // accepted risks and fixes awaiting their effectiveness review do not make a control nonconforming
        return ofUnfixed(catalog, decisions, rules, active.stream().filter(nc -> nc.getStatus().unfixed())
                .map(nc -> new NonconformityRepository.Unfixed(nc.getId(), nc.getControls(), nc.getGrade())).toList(), now);
    }

    /** The same from the nonconformities not yet fixed alone ({@link NonconformityRepository#unfixed()}). */
    static StatementOfApplicability ofUnfixed(ControlCatalog catalog, Map<String, Applicability> decisions, List<MonitoringRule> rules,
                                              List<NonconformityRepository.Unfixed> unfixed, Instant now) {
        Map<String, List<Long>> openByControl = new HashMap<>();
        for (NonconformityRepository.Unfixed nc : unfixed) {
            for (String control : nc.controls()) {
                openByControl.computeIfAbsent(control, c -> new ArrayList<>()).add(nc.id());
            }
        }
        return StatementOfApplicability.of(catalog, decisions, rules, openByControl, now);
    }

    /** The rules in service as the SoA cites them. */
    static List<MonitoringRule> rules(AnnexaService service) {
        return service.engine().map(engine -> engine.library().rules().stream()
                .map(r -> new MonitoringRule(r.id(), r.controls(), engine.lastEvaluated().get(r.id())))
                .toList()).orElse(List.of());
    }
}
