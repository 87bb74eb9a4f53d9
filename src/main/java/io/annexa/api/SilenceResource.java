package io.annexa.api;

import io.annexa.access.Role;
import io.annexa.alerting.AlertStore;
import io.annexa.alerting.LabelMatcher;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Silences: while one holds, the alert events its matchers match are not notified (they are counted). Reading needs
 * {@code viewer}; creating and deleting need {@code admin}, because a silence decides who is told of nonconformities and
 * incidents, a setting like the receivers. Both go into the register's audit trail with the caller's name.
 */
@Path("silences")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class SilenceResource {

    static final int MAX_MATCHERS = 20;
    static final int MAX_MATCHER_LENGTH = 500;
    static final int MAX_COMMENT_LENGTH = 2000;
    private static final Set<String> FIELDS = Set.of("matchers", "startsAt", "endsAt", "comment");

    public record SilenceView(long id, List<String> matchers, Instant startsAt, Instant endsAt, String comment, String createdBy,
                              Instant createdAt) {
        static SilenceView of(AlertStore.StoredSilence s) {
            return new SilenceView(s.id(), s.matchers(), s.startsAt(), s.endsAt(), s.comment(), s.createdBy(), s.createdAt());
        }
    }

    @Context
    HttpServletRequest request;

    @Inject
    AnnexaService service;

    @GET
    @Requires(Role.VIEWER)
    public List<SilenceView> list() {
        return store().silences(Instant.now()).stream().map(SilenceView::of).toList();
    }

    @POST
    @Requires(Role.ADMIN)
    @Consumes(MediaType.WILDCARD)
    public Response create(byte[] body) {
        JsonObject json = object(body);
        Set<String> unknown = new TreeSet<>(json.keySet());
        unknown.removeAll(FIELDS);
        if (!unknown.isEmpty()) {
            throw ApiError.badRequest("a silence takes " + String.join(", ", new TreeSet<>(FIELDS)) + "; unknown field(s): "
                    + String.join(", ", unknown));
        }
        Instant now = Instant.now();
        List<String> matchers = matchers(json);
        Instant startsAt = json.containsKey("startsAt") && json.get("startsAt") != JsonValue.NULL ? time(json, "startsAt") : now;
        if (!json.containsKey("endsAt") || json.get("endsAt") == JsonValue.NULL) {
            throw ApiError.badRequest("endsAt: required, a time (2027-01-31T17:00:00Z)");
        }
        Instant endsAt = time(json, "endsAt");
        if (!endsAt.isAfter(startsAt) || !endsAt.isAfter(now)) {
            throw ApiError.badRequest("endsAt: must be later than startsAt and than now");
        }
        String comment = json.get("comment") instanceof JsonString s ? s.getString().strip() : null;
        if (comment == null || comment.isEmpty()) {
            throw ApiError.badRequest("comment: required, says why the alerts are silenced");
        }
        if (comment.length() > MAX_COMMENT_LENGTH) {
            throw ApiError.badRequest("comment: at most " + MAX_COMMENT_LENGTH + " characters");
        }
        AlertStore.StoredSilence stored = store().createSilence(matchers, startsAt, endsAt, comment,
                AccessFilter.caller(request).describe(), sha256(body), now);
        return Response.status(Response.Status.CREATED).entity(SilenceView.of(stored)).build();
    }

    @DELETE
    @Requires(Role.ADMIN)
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        long number = ApiError.id("silence", id);
        if (!store().deleteSilence(number, AccessFilter.caller(request).describe(), Instant.now())) {
            throw ApiError.notFound("no silence with id " + number + " in force");
        }
        return Response.noContent().build();
    }

    private static List<String> matchers(JsonObject json) {
        if (!(json.get("matchers") instanceof JsonArray array) || array.isEmpty()) {
            throw ApiError.badRequest("matchers: required, a list of one or more matchers such as \"asset=web1\"");
        }
        if (array.size() > MAX_MATCHERS) {
            throw ApiError.badRequest("matchers: at most " + MAX_MATCHERS);
        }
        List<String> matchers = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof JsonString s) || s.getString().isBlank()) {
                throw ApiError.badRequest("matchers[" + i + "]: must be a matcher text such as \"asset=web1\"");
            }
            if (s.getString().length() > MAX_MATCHER_LENGTH || s.getString().contains("\n")) {
                throw ApiError.badRequest("matchers[" + i + "]: one line of at most " + MAX_MATCHER_LENGTH + " characters");
            }
            try {
                matchers.add(LabelMatcher.parse(s.getString()).text());
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("matchers[" + i + "]: " + e.getMessage());
            }
        }
        return matchers;
    }

    private static Instant time(JsonObject json, String field) {
        if (!(json.get(field) instanceof JsonString s)) {
            throw ApiError.badRequest(field + ": must be a time (2027-01-31T17:00:00Z)");
        }
        try {
            return Instant.parse(s.getString());
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest(field + ": '" + s.getString() + "' is not a time (2027-01-31T17:00:00Z)");
        }
    }

    private static JsonObject object(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiError.badRequest("the body must be a JSON object with matchers, endsAt and comment");
        }
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
            JsonValue value = reader.readValue();
            if (!(value instanceof JsonObject object)) {
                throw ApiError.badRequest("the body must be a JSON object");
            }
            return object;
        } catch (JsonException e) {
            throw ApiError.badRequest("the body is not valid JSON: " + e.getMessage());
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private AlertStore store() {
        return Ready.require(service, AnnexaService::alertStore);
    }
}
