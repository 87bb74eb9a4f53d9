package io.annexa.api;

import io.annexa.access.Role;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import java.io.InputStream;
import java.util.List;

/** The XML schemas of Annexa's exports, at stable URLs: /api/schemas/soa-1.xsd, /api/schemas/audit-report-1.xsd. */
@Path("schemas")
@RequestScoped
public class SchemaResource {

    private static final List<String> PUBLISHED = List.of(SoaXml.SCHEMA, AuditReportXml.SCHEMA);

    @GET
    @Requires(Role.VIEWER)
    @Path("{name}")
    @Produces("application/xml")
    public InputStream get(@PathParam("name") String name) {
        InputStream schema = PUBLISHED.contains(name) ? SchemaResource.class.getResourceAsStream("/schemas/" + name) : null;
        if (schema == null) {
            throw ApiError.notFound("no schema '" + name + "'; published: " + String.join(", ", PUBLISHED));
        }
        return schema;
    }

    /** The JSON schema of the standard alert payload (webhook body), published with the delivery part's file. */
    @GET
    @Requires(Role.VIEWER)
    @Path("alert-1.json")
    @Produces("application/schema+json")
    public InputStream alertSchema() {
        InputStream schema = SchemaResource.class.getResourceAsStream("/schemas/alert-1.json");
        if (schema == null) {
            throw ApiError.notFound("no schema 'alert-1.json' in this build");
        }
        return schema;
    }
}
