package io.annexa.api;

import io.annexa.access.AuthOutcome;
import io.annexa.access.Caller;
import io.annexa.access.Role;
import io.annexa.service.AnnexaService;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Logger;

/**
 * Lets a request reach an endpoint only with a role at least as strong as the one the endpoint
 * {@link Requires}: 401 without (valid) credentials, 403 with a role too weak, 429 while sign-ins are
 * throttled, 503 while access control is not up. Fails closed: an endpoint that names no role is refused.
 */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class AccessFilter implements ContainerRequestFilter {

    private static final Logger LOG = Logger.getLogger(AccessFilter.class.getName());

    @Context
    ResourceInfo resource;

    @Context
    HttpServletRequest request;

    @Inject
    AnnexaService service;

    @Override
    public void filter(ContainerRequestContext context) {
        Requires requires = resource.getResourceMethod() == null ? null : resource.getResourceMethod().getAnnotation(Requires.class);
        if (requires == null) {
            LOG.severe(() -> "refused " + context.getMethod() + " " + context.getUriInfo().getPath() + ": the endpoint declares no role (@Requires)");
            context.abortWith(error(Response.Status.FORBIDDEN, "this endpoint declares no role, so nobody may call it"));
            return;
        }
        Object outcome = request.getAttribute(AnnexaAuthenticationMechanism.OUTCOME);
        if (outcome == null) {
            context.abortWith(error(Response.Status.SERVICE_UNAVAILABLE, service.failure()
                    .orElse("access control is starting; try again shortly")));
        } else if (outcome instanceof AuthOutcome.Throttled throttled) {
            context.abortWith(Response.fromResponse(error(Response.Status.TOO_MANY_REQUESTS, throttled.message()))
                    .header("Retry-After", throttled.retryAfter().toSeconds()).build());
        } else if (outcome instanceof AuthOutcome.Rejected rejected) {
            context.abortWith(challenge(rejected.message()));
        } else if (outcome instanceof AuthOutcome.Anonymous) {
            context.abortWith(challenge("this endpoint needs a " + requires.value() + " or stronger role: sign in with HTTP Basic or send 'Authorization: Bearer <API token>'"));
        } else if (outcome instanceof AuthOutcome.Authenticated authenticated) {
            Caller caller = authenticated.caller();
            if (!caller.may(requires.value())) {
                context.abortWith(error(Response.Status.FORBIDDEN, "this endpoint needs the " + requires.value()
                        + " role or stronger; " + caller.name() + " has " + caller.role()));
            }
        }
    }

    /** The authenticated caller of the current request; only reachable behind this filter. */
    static Caller caller(HttpServletRequest request) {
        Object outcome = request.getAttribute(AnnexaAuthenticationMechanism.OUTCOME);
        if (outcome instanceof AuthOutcome.Authenticated authenticated) {
            return authenticated.caller();
        }
        throw new IllegalStateException("no authenticated caller: the endpoint is not behind AccessFilter");
    }

    /** Whether the current caller has at least {@code role}, for endpoints that show more to stronger roles. */
    static boolean may(HttpServletRequest request, Role role) {
        return caller(request).may(role);
    }

    private static Response challenge(String message) {
        return Response.fromResponse(error(Response.Status.UNAUTHORIZED, message))
                .header("WWW-Authenticate", "Basic realm=\"Annexa\", charset=\"UTF-8\"")
                .header("WWW-Authenticate", "Bearer realm=\"Annexa\"")
                .build();
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(status.getStatusCode(), message)).build();
    }
}
