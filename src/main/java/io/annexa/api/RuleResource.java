package io.annexa.api;

import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

@Path("rules")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class RuleResource {

    /** A loaded rule: what it checks, against which controls, and how often it fired. */
    public record View(String id, String title, String control, List<String> controls, String severity,
                       List<String> sources, Map<String, String> parameters, String libraryVersion, long fired) {
    }

    @Inject
    AnnexaService service;

    @GET
    public List<View> list() {
        EvaluationEngine engine = Ready.require(service, AnnexaService::engine);
        Map<String, Long> fired = engine.firings();
        String version = engine.library().contentHash();
        return engine.library().rules().stream()
                .map(r -> view(r, version, fired.getOrDefault(r.id(), 0L)))
                .toList();
    }

    private static View view(RuleDefinition rule, String version, long fired) {
        return new View(rule.id(), rule.title(), rule.primaryControl(), rule.controls(), rule.severity().label(),
                rule.sources(), rule.parameters(), version, fired);
    }
}
