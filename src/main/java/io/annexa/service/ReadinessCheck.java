package io.annexa.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import java.util.List;

/**
 * UP once the rules are compiled, the register is open and every source route has started. Quarantined rules are
 * named but do not make it DOWN: every other rule keeps evaluating, and taking the instance out of service (or
 * restarting it) would stop all monitoring without mending the rule, which only a new version does.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Inject
    AnnexaService service;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("annexa")
                .status(service.isReady())
                .withData("state", service.state().name().toLowerCase());
        service.failure().ifPresent(f -> response.withData("problem", f));
        service.engine().ifPresent(e -> {
            response.withData("rules", e.library().rules().size());
            response.withData("quarantinedRules", e.quarantines().size());
            if (!e.quarantines().isEmpty()) {
                response.withData("quarantined", e.quarantines().stream()
                        .map(q -> q.ruleId() + " since " + q.since()).collect(java.util.stream.Collectors.joining(", ")));
            }
        });
        service.sources().ifPresent(s -> response.withData("routes", s.routes().size()));
        // cluster mode: ready once every partition this instance owns is rebuilt
        service.cluster().ifPresent(c -> {
            List<io.annexa.cluster.ClusterNode.PartitionStatus> owned = c.node().partitions();
            response.withData("partitions", owned.size());
            response.withData("partitionsRebuilding", owned.stream().filter(p -> !p.state().equals("live")).count());
        });
        // rows the database refused are left out and logged; the count tells an operator to look at the log
        service.register().ifPresent(r -> response.withData("registerRejectedRows", r.rejectedRows()));
        return response.build();
    }
}
