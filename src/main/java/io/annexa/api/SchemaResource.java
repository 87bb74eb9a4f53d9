package io.annexa.api;

import io.annexa.access.Role;
import io.annexa.alerting.AlertPayload;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.List;

/**
 * The schemas of Annexa's exports and webhooks, at stable URLs: /api/schemas/soa-1.xsd,
 * /api/schemas/audit-report-1.xsd (XML Schema) and /api/schemas/alert-1.json (JSON Schema 2020-12, the body of a
 * standard alert webhook).
 */
@Path("schemas")
@RequestScoped
public class SchemaResource {

    static final String JSON_SCHEMA = "application/schema+json";
    private static final List<String> PUBLISHED = List.of(SoaXml.SCHEMA, AuditReportXml.SCHEMA, AlertPayload.SCHEMA);

    @GET
    @Requires(Role.VIEWER)
    @Path("{name}")
    @Produces({"application/xml", JSON_SCHEMA, "application/json"})
    public Response get(@PathParam("name") String name) {
        InputStream schema = PUBLISHED.contains(name) ? SchemaResource.class.getResourceAsStream("/schemas/" + name) : null;
        if (schema == null) {
            throw ApiError.notFound("no schema '" + name + "'; published: " + String.join(", ", PUBLISHED));
        }
        return Response.ok(schema, name.endsWith(".json") ? JSON_SCHEMA : "application/xml").build();
    }
}
