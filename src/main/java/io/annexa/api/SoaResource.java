package io.annexa.api;

import io.annexa.access.Role;
import io.annexa.control.ControlCatalog;
import io.annexa.control.StatementOfApplicability;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Variant;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The Statement of Applicability (ISO/IEC 27001:2022 clause 6.1.3 d) as JSON, CSV or XML, chosen by
 * {@code ?format=} or else by the Accept header. Its problems (an exclusion without justification)
 * are part of the document, where an auditor will look.
 */
@Path("soa")
@RequestScoped
public class SoaResource {

    static final MediaType CSV = new MediaType("text", "csv");
    private static final Map<String, MediaType> FORMATS = Map.of(
            "json", MediaType.APPLICATION_JSON_TYPE, "csv", CSV, "xml", MediaType.APPLICATION_XML_TYPE);

    /** The JSON shape. */
    public record Document(String standard, Instant generatedAt, List<String> problems, List<ControlResource.View> controls) {
    }

    @Inject
    AnnexaService service;

    @Context
    jakarta.servlet.http.HttpServletRequest servletRequest;

    @GET
    @Requires(Role.VIEWER)
    @Produces({MediaType.APPLICATION_JSON, "text/csv", MediaType.APPLICATION_XML})
    public Response get(@QueryParam("format") String format, @Context Request request, @Context UriInfo uri) {
        MediaType type = chosen(format, request);
        if (!type.equals(MediaType.APPLICATION_JSON_TYPE) && !AccessFilter.may(servletRequest, Role.AUDITOR)) {
            // the JSON view is for reading; the CSV and XML files are exports, and exports are for auditors
            throw ApiError.of(Response.Status.FORBIDDEN, "exporting the Statement of Applicability as "
                    + (type.equals(CSV) ? "CSV" : "XML") + " needs the auditor role or stronger; the JSON view (?format=json) needs viewer");
        }
        StatementOfApplicability soa = Soa.current(service);
        ControlCatalog catalog = Ready.require(service, AnnexaService::catalog);
        Object body;
        if (type.equals(CSV)) {
            body = SoaCsv.write(soa);
        } else if (type.equals(MediaType.APPLICATION_XML_TYPE)) {
            body = SoaXml.write(soa, uri.getBaseUriBuilder().path("schemas").path(SoaXml.SCHEMA).build().toString());
        } else {
            body = new Document("ISO/IEC 27001:2022", soa.generatedAt(), soa.problems(),
                    soa.entries().stream().map(e -> ControlResource.view(e, catalog)).toList());
        }
        Response.ResponseBuilder response = Response.ok(body, type.equals(CSV) ? new MediaType("text", "csv", "UTF-8") : type);
        if (!type.equals(MediaType.APPLICATION_JSON_TYPE)) {
            response.header("Content-Disposition", "attachment; filename=\"statement-of-applicability."
                    + (type.equals(CSV) ? "csv" : "xml") + "\"");
        }
        return response.build();
    }

    private static MediaType chosen(String format, Request request) {
        if (format != null && !format.isBlank()) {
            MediaType type = FORMATS.get(format.strip().toLowerCase());
            if (type == null) {
                throw ApiError.badRequest("query parameter format: '" + format + "' is not one of csv, json, xml");
            }
            return type;
        }
        Variant variant = request.selectVariant(Variant.mediaTypes(MediaType.APPLICATION_JSON_TYPE, CSV,
                MediaType.APPLICATION_XML_TYPE).build());
        return variant == null ? MediaType.APPLICATION_JSON_TYPE : variant.getMediaType();
    }
}
