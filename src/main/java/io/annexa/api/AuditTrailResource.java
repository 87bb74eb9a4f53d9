package io.annexa.api;

import io.annexa.access.Role;
import io.annexa.register.AuditTrail;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/audit/verify}: walks the register's hash-chained history and says whether it is whole, how many
 * entries it holds and the first one that no longer fits ({@code firstBroken}, null when none).
 */
@Path("audit")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class AuditTrailResource {

    @Inject
    AnnexaService service;

    @GET
    @Requires(Role.AUDITOR)
    @Path("verify")
    public AuditTrail.Verification verify() {
        return Ready.require(service, AnnexaService::repository).verifyAuditTrail();
    }
}
