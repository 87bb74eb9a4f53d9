package io.annexa.api;

import io.annexa.access.AuthOutcome;
import io.annexa.access.Authenticator;
import io.annexa.access.Caller;
import io.annexa.access.LoginSession;
import io.annexa.access.LoginSessions;
import io.annexa.access.Role;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Signing in to a session, for the web console: {@code POST} checks a user name and password (throttled
 * like HTTP Basic) and sets the session cookie ({@link SessionCookie}); {@code GET} says who is signed in and
 * repeats the CSRF token; {@code DELETE} signs out. Scripts keep using Basic or a token and need none of this.
 */
@Path("session")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class SessionResource {

    private static final Logger LOG = Logger.getLogger(SessionResource.class.getName());
    private static final String OPEN = "signing in is how a caller gets a session; its password is checked and throttled like HTTP Basic";

    /** A sign-in, as JSON. */
    public record Credentials(String username, String password) {
    }

    /**
     * Who is signed in and how ({@code session}, {@code basic} or {@code token}). For a session also its CSRF token,
     * the end of its lifetime and how long it may stay idle; null otherwise.
     */
    public record View(String user, String role, String signedInWith, Long tokenId, String csrfToken, Instant expiresAt,
                       Long idleTimeoutSeconds) {
    }

    @Inject
    AnnexaService service;

    @Context
    HttpServletRequest request;

    @Context
    UriInfo uri;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Public(OPEN)
    public Response signIn(Credentials credentials) {
        if (credentials == null) {
            throw ApiError.badRequest("body must be a JSON object with username and password");
        }
        return start(credentials.username(), credentials.password());
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Public(OPEN)
    public Response signInWithForm(@FormParam("username") String username, @FormParam("password") String password) {
        return start(username, password);
    }

    @GET
    @Requires(Role.VIEWER)
    public Response whoAmI() {
        LoginSessions sessions = authenticator().sessions();
        return Response.ok(view(AccessFilter.caller(request), AccessFilter.session(request), sessions)).header("Cache-Control", "no-store").build();
    }

    @DELETE
    @Requires(Role.VIEWER)
    public Response signOut() {
        Caller caller = AccessFilter.caller(request);
        LoginSession session = AccessFilter.session(request).orElseThrow(() -> ApiError.notFound("no session to sign out of: this request"
                + " signed in with " + (caller.tokenId() == null ? "HTTP Basic" : "an API token")));
        authenticator().sessions().end(session);
        LOG.info(() -> caller.describe() + " signed out of a session");
        return Response.noContent().cookie(SessionCookie.clear(SessionCookie.secure(request, service.trustedProxies()))).build();
    }

    private Response start(String username, String password) {
        refuseOtherSites();
        if (username == null || username.isBlank() || password == null || password.isEmpty()) {
            throw ApiError.badRequest("signing in needs a username and a password");
        }
        Authenticator authenticator = authenticator();
        String address = request.getRemoteAddr();
        Authenticator.SessionSignIn signIn = authenticator.signInToSession(username, password, address);
        AuthOutcome outcome = signIn.outcome();
        if (outcome instanceof AuthOutcome.Throttled throttled) {
            return Response.fromResponse(AccessFilter.error(Response.Status.TOO_MANY_REQUESTS, throttled.message()))
                    .header("Retry-After", throttled.retryAfter().toSeconds()).build();
        }
        if (!(outcome instanceof AuthOutcome.Authenticated authenticated)) {
            String message = outcome instanceof AuthOutcome.Rejected rejected ? rejected.message() : "wrong user name or password";
            // never a Basic challenge: the browser would put its own password dialog over the console's
            return AccessFilter.challenge(message, false);
        }
        // a new id at every sign-in: a session id somebody planted or saw before does not become signed in
        AccessFilter.session(request).ifPresent(authenticator.sessions()::end);
        Caller caller = authenticated.caller();
        LoginSessions.Started started = signIn.started();
        LOG.info(() -> caller.name() + " signed in to a session from " + address);
        return Response.ok(view(caller, Optional.of(started.session()), authenticator.sessions()))
                .cookie(SessionCookie.issue(started.id(), SessionCookie.secure(request, service.trustedProxies())))
                .header("Cache-Control", "no-store").build();
    }

    /**
     * Another site's page must not sign the browser in (to the attacker's account, whose register the user would
     * then fill): a form from it is refused by what the browser says of its origin. The host alone is compared,
     * as scheme and port differ behind a TLS proxy; the session cookie itself is SameSite=Strict.
     */
    private void refuseOtherSites() {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null && site.equalsIgnoreCase("cross-site")) {
            throw ApiError.of(Response.Status.FORBIDDEN, "signing in from another site's page is refused (Sec-Fetch-Site: cross-site)");
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !sameHost(origin, uri.getBaseUri())) {
            throw ApiError.of(Response.Status.FORBIDDEN, "signing in from another site's page is refused (Origin: " + shorten(origin) + ")");
        }
    }

    private static boolean sameHost(String origin, URI base) {
        try {
            String host = new URI(origin.strip()).getHost();
            return host != null && host.equalsIgnoreCase(base.getHost());
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String shorten(String value) {
        return value.length() > 100 ? value.substring(0, 100) + "…" : value;
    }

    private static View view(Caller caller, Optional<LoginSession> session, LoginSessions sessions) {
        String how = session.isPresent() ? "session" : caller.tokenId() != null ? "token" : "basic";
        return new View(caller.name(), caller.role().label(), how, caller.tokenId(),
                session.map(LoginSession::csrfToken).orElse(null),
                session.map(LoginSession::expiresAt).orElse(null),
                session.map(s -> sessions.idleTimeout().toSeconds()).orElse(null));
    }

    private Authenticator authenticator() {
        return Ready.require(service, AnnexaService::authenticator);
    }
}
