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
}
