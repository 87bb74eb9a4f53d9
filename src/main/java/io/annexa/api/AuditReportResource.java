package io.annexa.api;

import io.annexa.access.Role;
import io.annexa.register.NonconformityRepository;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Variant;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code GET /api/reports/audit?from=&to=&format=xml|csv}: the audit report of a period (ISO/IEC 27001:2022 9.2,
 * 10.2), a file for auditors. Its size is checked before the first byte is sent, so a report that is too large is
 * refused with a clear answer rather than cut off.
 *
 * <p>No {@code @Produces}: {@code ?format=} decides whatever the Accept header says (a browser following a link
 * sends {@code text/html} first); without it the Accept header chooses between XML and CSV, XML by default.
 */
@Path("reports/audit")
@RequestScoped
public class AuditReportResource {

    private static final Logger LOG = Logger.getLogger(AuditReportResource.class.getName());
    private static final MediaType CSV = new MediaType("text", "csv", "UTF-8");

    @Inject
    AnnexaService service;

    @Context
    HttpServletRequest request;

    @GET
    @Requires(Role.AUDITOR)
    public Response get(@QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("format") String format,
                        @Context Request jaxrs, @Context UriInfo uri) {
        boolean csv = csv(format, jaxrs);
        AuditPeriod period;
        try {
            period = AuditPeriod.parse(from, to);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        NonconformityRepository repository = Ready.require(service, AnnexaService::repository);
        long rows = repository.countActiveDuring(period.from(), period.to());
        if (rows > AuditReport.MAX_ROWS) {
            throw ApiError.badRequest("query parameters from, to: " + rows + " nonconformities were active from "
                    + period.from() + " to " + period.to() + ", more than the " + AuditReport.MAX_ROWS
                    + " one report holds; ask for shorter periods");
        }
        String caller = AccessFilter.caller(request).name();
        AuditReport.Header header = new AuditReport.Header(period, Instant.now(), caller, repository.verifyAuditTrail());
        String schemaUrl = uri.getBaseUriBuilder().path("schemas").path(AuditReportXml.SCHEMA).build().toString();
        StreamingOutput body = out -> {
            try {
                AuditReport.write(repository, header, csv ? new AuditReportCsv(out) : new AuditReportXml(out, schemaUrl));
            } catch (IOException | RuntimeException e) {
                // the status line is gone by now: the log is the only place left to say why the file is cut short
                LOG.log(Level.WARNING, "audit report for " + caller + " (" + period.from() + " to " + period.to()
                        + ") ended early", e);
                throw e;
            }
        };
        return Response.ok(body, csv ? CSV : MediaType.APPLICATION_XML_TYPE)
                .header("Content-Disposition", "attachment; filename=\"" + period.fileName(csv ? "csv" : "xml") + "\"")
                .header("Cache-Control", "no-store")
                .build();
    }

    private static boolean csv(String format, Request request) {
        if (format != null && !format.isBlank()) {
            return switch (format.strip().toLowerCase(Locale.ROOT)) {
                case "csv" -> true;
                case "xml" -> false;
                default -> throw ApiError.badRequest("query parameter format: '" + format + "' is not one of csv, xml");
            };
        }
        Variant chosen = request.selectVariant(Variant.mediaTypes(MediaType.APPLICATION_XML_TYPE, SoaResource.CSV).build());
        return chosen != null && chosen.getMediaType().isCompatible(SoaResource.CSV);
    }
}
