package io.annexa.api;

import io.annexa.access.Role;
import io.annexa.control.Clause;
import io.annexa.control.ControlCatalog;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** ISO/IEC 27001:2022: clauses 4 to 10 and Annex A, each Annex A control linked to its 27002 control. */
@Path("requirements")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class RequirementResource {

    public record Requirements(String standard, List<Clause> clauses, List<AnnexAControl> annexA) {
    }

    public record AnnexAControl(String id, String control, String title) {
    }

    @Inject
    AnnexaService service;

    @GET
    @Requires(Role.VIEWER)
    public Requirements get() {
        ControlCatalog catalog = Ready.require(service, AnnexaService::catalog);
        List<AnnexAControl> annexA = catalog.annexA().entrySet().stream()
                .map(e -> new AnnexAControl(e.getKey(), e.getValue(), catalog.find(e.getValue()).orElseThrow().title()))
                .toList();
        return new Requirements("ISO/IEC 27001:2022", catalog.clauses(), annexA);
    }
}
