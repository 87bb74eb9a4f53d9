package io.annexa.api;

import io.annexa.access.AuthOutcome;
import io.annexa.access.Caller;
import io.annexa.access.LoginSession;
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
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Lets a request reach an endpoint only with a role at least as strong as the one the endpoint
 * {@link Requires}: 401 without (valid) credentials, 403 with a role too weak, 429 while sign-ins are
 * throttled, 503 while access control is not up. Fails closed: an endpoint that names no role is refused,
 * unless it is {@link Public} (signing in), and so is one that claims both.
 *
 * <p>A request signed in by the session cookie, which a browser sends by itself, changes nothing (POST, PUT,
 * PATCH, DELETE) unless it repeats the session's CSRF token in {@value #CSRF_HEADER}: 403 otherwise. Another
 * site's page cannot read the token, so it cannot make the browser act for its user. Basic and Bearer
 * credentials are what scripts send, each request on purpose, and need no token.
 */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class AccessFilter implements ContainerRequestFilter {

    private static final Logger LOG = Logger.getLogger(AccessFilter.class.getName());
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Context
    ResourceInfo resource;

    @Context
    HttpServletRequest request;

    @Inject
    AnnexaService service;

    @Override
    public void filter(ContainerRequestContext context) {
        Method method = resource.getResourceMethod();
        Requires requires = method == null ? null : method.getAnnotation(Requires.class);
        Public open = method == null ? null : method.getAnnotation(Public.class);
        if ((requires == null) == (open == null)) {
            LOG.severe(() -> "refused " + context.getMethod() + " " + context.getUriInfo().getPath()
                    + ": the endpoint must declare either a role (@Requires) or why it is open (@Public)");
            context.abortWith(error(Response.Status.FORBIDDEN, "this endpoint declares no role, so nobody may call it"));
            return;
        }
        Object outcome = request.getAttribute(AnnexaAuthenticationMechanism.OUTCOME);
        if (outcome == null) {
            context.abortWith(error(Response.Status.SERVICE_UNAVAILABLE, service.failure()
                    .orElse("access control is starting; try again shortly")));
        } else if (open != null) {
            return;
        } else if (outcome instanceof AuthOutcome.Throttled throttled) {
            context.abortWith(Response.fromResponse(error(Response.Status.TOO_MANY_REQUESTS, throttled.message()))
                    .header("Retry-After", throttled.retryAfter().toSeconds()).build());
        } else if (outcome instanceof AuthOutcome.Rejected rejected) {
            context.abortWith(challenge(rejected.message(), request));
        } else if (outcome instanceof AuthOutcome.Anonymous) {
            context.abortWith(challenge("this endpoint needs a " + requires.value() + " or stronger role: sign in with HTTP Basic,"
                    + " send 'Authorization: Bearer <API token>' or sign in to a session (POST /api/session)", request));
        } else if (outcome instanceof AuthOutcome.Authenticated authenticated) {
            Caller caller = authenticated.caller();
            Optional<String> forgery = forgery(authenticated.session(), context);
            if (forgery.isPresent()) {
                context.abortWith(error(Response.Status.FORBIDDEN, forgery.get()));
            } else if (!caller.may(requires.value())) {
                context.abortWith(error(Response.Status.FORBIDDEN, "this endpoint needs the " + requires.value()
                        + " role or stronger; " + caller.name() + " has " + caller.role()));
            }
        }
    }

    /** Why a state-changing request signed in by the session cookie is refused, if it lacks the session's CSRF token. */
    private static Optional<String> forgery(LoginSession session, ContainerRequestContext context) {
        if (session == null || SAFE_METHODS.contains(context.getMethod())) {
            return Optional.empty();
        }
        String token = context.getHeaderString(CSRF_HEADER);
        if (token == null || token.isBlank()) {
            return Optional.of("the " + CSRF_HEADER + " header is missing: a " + context.getMethod() + " signed in by the session"
                    + " cookie must repeat the session's CSRF token (the answer to signing in and GET /api/session give it)");
        }
        if (!session.csrfMatches(token)) {
            return Optional.of("the " + CSRF_HEADER + " header does not match this session's CSRF token");
        }
        return Optional.empty();
    }

    /** The authenticated caller of the current request; only reachable behind this filter. */
    static Caller caller(HttpServletRequest request) {
        Object outcome = request.getAttribute(AnnexaAuthenticationMechanism.OUTCOME);
        if (outcome instanceof AuthOutcome.Authenticated authenticated) {
            return authenticated.caller();
        }
        throw new IllegalStateException("no authenticated caller: the endpoint is not behind AccessFilter");
    }

    /** The sign-in session the current request came with, if its cookie signed it in. */
    static Optional<LoginSession> session(HttpServletRequest request) {
        Object outcome = request.getAttribute(AnnexaAuthenticationMechanism.OUTCOME);
        return outcome instanceof AuthOutcome.Authenticated authenticated ? Optional.ofNullable(authenticated.session()) : Optional.empty();
    }

    /** Whether the current caller has at least {@code role}, for endpoints that show more to stronger roles. */
    static boolean may(HttpServletRequest request, Role role) {
        return caller(request).may(role);
    }

    /**
     * 401 with the schemes Annexa accepts. A browser asks for a password in a dialog of its own when it is
     * offered Basic, which would cover the console's sign-in page: requests from page scripts (Sec-Fetch-Mode
     * other than navigate) and requests that carried a session cookie are offered Bearer only.
     */
    static Response challenge(String message, HttpServletRequest request) {
        String mode = request.getHeader("Sec-Fetch-Mode");
        boolean fromPageScript = (mode != null && !mode.equalsIgnoreCase("navigate")) || SessionCookie.carried(request);
        return challenge(message, !fromPageScript);
    }

    static Response challenge(String message, boolean offerBasic) {
        Response.ResponseBuilder answer = Response.fromResponse(error(Response.Status.UNAUTHORIZED, message));
        if (offerBasic) {
            answer.header("WWW-Authenticate", "Basic realm=\"Annexa\", charset=\"UTF-8\"");
        }
        return answer.header("WWW-Authenticate", "Bearer realm=\"Annexa\"").build();
    }

    static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(status.getStatusCode(), message)).build();
    }
}
