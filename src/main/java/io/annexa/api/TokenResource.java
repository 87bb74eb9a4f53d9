package io.annexa.api;

import io.annexa.access.AccessAdministration;
import io.annexa.access.ApiToken;
import io.annexa.access.Caller;
import io.annexa.access.Role;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
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
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;

/**
 * API tokens for scripts. Every signed-in user manages their own; admins see and delete everyone's.
 * A token's value is in the answer to its creation and nowhere else, ever.
 */
@Path("tokens")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class TokenResource {

    private static final Logger LOG = Logger.getLogger(TokenResource.class.getName());

    /** A token as listed: never its value. */
    public record View(long id, String name, String user, String role, Instant createdAt, Instant expiresAt, Instant lastUsedAt) {
        static View of(ApiToken t) {
            return new View(t.getId(), t.getName(), t.getUserName(), t.getRole().label(), t.getCreatedAt(), t.getExpiresAt(), t.getLastUsedAt());
        }
    }

    /** The answer to creating a token: the only time {@code token} is shown. */
    public record Created(long id, String name, String user, String role, Instant expiresAt, String token) {
    }

    /** A token request: a name saying what uses it, a role no stronger than yours (default yours), days until it expires (default 90). */
    public record NewToken(String name, String role, Integer expiresInDays) {
    }

    @Inject
    AnnexaService service;

    @Context
    HttpServletRequest request;

    @GET
    @Requires(Role.VIEWER)
    public List<View> list() {
        return administration().tokensVisibleTo(AccessFilter.caller(request)).stream().map(View::of).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(Role.VIEWER)
    public Response create(NewToken wanted) {
        if (wanted == null) {
            throw ApiError.badRequest("body must be a JSON object with name, and optionally role and expiresInDays");
        }
        Caller caller = AccessFilter.caller(request);
        AccessAdministration.NewToken made = AccessErrors.translate(() ->
                administration().createToken(caller, wanted.name(), wanted.role(), wanted.expiresInDays()));
        ApiToken t = made.token();
        LOG.info(() -> caller.describe() + " created API token " + t.getId() + " '" + t.getName() + "' as " + t.getRole());
        return Response.status(Response.Status.CREATED)
                .entity(new Created(t.getId(), t.getName(), t.getUserName(), t.getRole().label(), t.getExpiresAt(), made.secret()))
                .build();
    }

    @DELETE
    @Path("{id}")
    @Requires(Role.VIEWER)
    public Response delete(@PathParam("id") String id) {
        long tokenId = ApiError.id("token", id);
        Caller caller = AccessFilter.caller(request);
        if (!administration().deleteToken(caller, tokenId)) {
            throw ApiError.notFound("no token " + tokenId + " that " + caller.name() + " may delete");
        }
        LOG.info(() -> caller.describe() + " deleted API token " + tokenId);
        return Response.noContent().build();
    }

    private AccessAdministration administration() {
        return Ready.require(service, AnnexaService::administration);
    }
}
