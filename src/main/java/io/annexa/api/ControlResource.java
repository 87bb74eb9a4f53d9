package io.annexa.api;

import io.annexa.control.Control;
import io.annexa.control.ControlCatalog;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * The ISO/IEC 27002:2022 controls, each with the rules that monitor it. A control no rule covers is
 * listed as {@code manual}: it needs evidence from a person, and the list never hides it.
 */
@Path("controls")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ControlResource {

    public record View(String id, String title, String theme, boolean newIn2022, String annexA,
                       String monitoring, List<String> rules) {
    }

    @Inject
    AnnexaService service;

    @GET
    public List<View> list() {
        ControlCatalog catalog = Ready.require(service, AnnexaService::catalog);
        List<RuleDefinition> rules = rules();
        return catalog.all().stream().map(c -> view(c, rules)).toList();
    }

    @GET
    @Path("{id}")
    public View get(@PathParam("id") String id) {
        ControlCatalog catalog = Ready.require(service, AnnexaService::catalog);
        Control control = catalog.find(id)
                .orElseThrow(() -> ApiError.notFound("'" + id + "' is not an ISO/IEC 27002:2022 control id (5.1 ... 8.34)"));
        return view(control, rules());
    }

    private List<RuleDefinition> rules() {
        return service.engine().map(e -> e.library().rules()).orElse(List.of());
    }

    private static View view(Control control, List<RuleDefinition> rules) {
        List<String> covering = rules.stream().filter(r -> r.controls().contains(control.id())).map(RuleDefinition::id).toList();
        return new View(control.id(), control.title(), control.theme(), control.newIn2022(), control.annexA(),
                covering.isEmpty() ? "manual" : "automated", covering);
    }
}
