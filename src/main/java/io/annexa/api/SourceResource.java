package io.annexa.api;

import io.annexa.access.Role;
import io.annexa.ingestion.SourceRuntime;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/**
 * Every source route: is it running, when did it last deliver, how much did it read and reject, and how much it
 * took only with a flag ({@code flags}: {@code clock_skew}, {@code untrusted_host}, {@code asset_override_ignored},
 * {@code dead_letters_dropped}, {@code evidence_ledger_full}), and how much evidence it withdrew because its file was
 * gone ({@code evidence_withdrawn}, among the flags). {@code dropped}: messages read whose events were dropped because
 * the engine was full and the sender (syslog over UDP) could not be made to wait.
 */
@Path("sources")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class SourceResource {

    public record View(String routeId, String kind, String state, String endpoint, Instant lastSuccess, long itemsRead,
                       long errors, long deadLetters, Instant lastError, String lastErrorMessage,
                       String expectedInterval, boolean silent, long unclassified, long dropped, java.util.Map<String, Long> flags) {
    }

    @Inject
    AnnexaService service;

    @GET
    @Requires(Role.VIEWER)
    public List<View> list() {
        SourceRuntime sources = Ready.require(service, AnnexaService::sources);
        return sources.routes().stream().map(r -> new View(r.routeId(), r.kind(), r.state(), r.endpoint(),
                r.counters().lastSuccess().orElse(null), r.counters().itemsRead(), r.counters().errors(),
                r.counters().deadLetters(), r.counters().lastError().orElse(null),
                r.counters().lastErrorMessage().orElse(null),
                r.expectedInterval() == null ? null : r.expectedInterval().toString(), r.silent(),
                r.counters().unclassified(), r.counters().dropped(), r.counters().flags())).toList();
    }
}
