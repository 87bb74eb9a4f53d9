package io.annexa.api;

import io.annexa.access.Role;
import io.annexa.control.ControlCatalog;
import io.annexa.control.LegacyControl;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** "Where did my old control go": ISO/IEC 27001:2013 Annex A controls and the 2022 controls they became. */
@Path("mappings/iso27001-2013")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class MappingResource {

    public record Mapping(String id, String title, List<Target> mapsTo) {
    }

    public record Target(String id, String title) {
    }

    @Inject
    AnnexaService service;

    @GET
    @Requires(Role.VIEWER)
    public List<Mapping> list() {
        ControlCatalog catalog = Ready.require(service, AnnexaService::catalog);
        return catalog.legacyControls().stream().map(l -> mapping(l, catalog)).toList();
    }

    @GET
    @Requires(Role.VIEWER)
    @Path("{id}")
    public Mapping get(@PathParam("id") String id) {
        ControlCatalog catalog = Ready.require(service, AnnexaService::catalog);
        return catalog.legacy(id).map(l -> mapping(l, catalog)).orElseThrow(() -> ApiError.notFound(
                "'" + id + "' is not an ISO/IEC 27001:2013 Annex A control id (A.5.1.1 ... A.18.2.3)"));
    }

    private static Mapping mapping(LegacyControl legacy, ControlCatalog catalog) {
        return new Mapping(legacy.id(), legacy.title(), legacy.mapsTo().stream()
                .map(id -> new Target(id, catalog.find(id).orElseThrow().title())).toList());
    }
}
