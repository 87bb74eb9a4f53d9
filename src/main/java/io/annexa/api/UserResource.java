package io.annexa.api;

import io.annexa.access.AccessAdministration;
import io.annexa.access.Role;
import io.annexa.access.UserAccount;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;

/** Users and their roles. Admins only; password hashes never leave the database. */
@Path("users")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class UserResource {

    private static final Logger LOG = Logger.getLogger(UserResource.class.getName());

    /** A user as the API shows it. */
    public record View(String name, String role, boolean disabled, Instant createdAt, Instant updatedAt) {
        static View of(UserAccount u) {
            return new View(u.getName(), u.getRole().label(), u.isDisabled(), u.getCreatedAt(), u.getUpdatedAt());
        }
    }

    /** A new user. */
    public record NewUser(String name, String password, String role) {
    }

    /** Changes to a user; absent fields stay as they are. */
    public record Change(String role, String password, Boolean disabled) {
    }

    @Inject
    AnnexaService service;

    @Context
    HttpServletRequest request;

    @GET
    @Requires(Role.ADMIN)
    public List<View> list() {
        return administration().users().stream().map(View::of).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(Role.ADMIN)
    public Response create(NewUser user) {
        if (user == null) {
            throw ApiError.badRequest("body must be a JSON object with name, password and role (" + Role.labels() + ")");
        }
        View created = AccessErrors.translate(() -> View.of(administration().createUser(user.name(), user.password(), user.role())));
        LOG.info(() -> AccessFilter.caller(request).describe() + " created user " + created.name() + " as " + created.role());
        return Response.status(Response.Status.CREATED).entity(created).build();
    }

    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(Role.ADMIN)
    public View update(@PathParam("name") String name, Change change) {
        if (change == null) {
            throw ApiError.badRequest("body must be a JSON object with any of role, password, disabled");
        }
        View updated = AccessErrors.translate(() -> View.of(administration().updateUser(name, change.role(), change.password(), change.disabled())));
        LOG.info(() -> AccessFilter.caller(request).describe() + " changed user " + name + ":"
                + (change.role() != null ? " role " + updated.role() : "") + (change.password() != null ? " password" : "")
                + (change.disabled() != null ? " disabled=" + change.disabled() : ""));
        return updated;
    }

    private AccessAdministration administration() {
        return Ready.require(service, AnnexaService::administration);
    }
}
