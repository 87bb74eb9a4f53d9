package io.annexa.api;

import io.annexa.access.AuthOutcome;
import io.annexa.access.Authenticator;
import io.annexa.service.AnnexaService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import java.util.Set;

/**
 * Annexa's Jakarta Security mechanism: checks the request's Basic or Bearer credentials against the
 * users and tokens in the register database, or, when it has no {@code Authorization} header, its
 * session cookie against the sign-in sessions, and tells the container who the caller is. It never
 * answers by itself; {@link AccessFilter} decides per endpoint (401, 403, 429) from the outcome left in
 * the request, so the rules for "who may call what" live in one place.
 */
@ApplicationScoped
public class AnnexaAuthenticationMechanism implements HttpAuthenticationMechanism {

    static final String OUTCOME = "io.annexa.access.outcome";

    @Inject
    AnnexaService service;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
        Optional<Authenticator> authenticator = service.authenticator();
        if (authenticator.isEmpty()) {
            return context.doNothing();
        }
        String authorization = request.getHeader("Authorization");
        Optional<String> session = SessionCookie.read(request, SessionCookie.secure(request, service.trustedProxies()));
        AuthOutcome outcome = (authorization == null || authorization.isBlank()) && session.isPresent()
                ? authenticator.get().session(session.get())
                : authenticator.get().authenticate(authorization, request.getRemoteAddr());
        request.setAttribute(OUTCOME, outcome);
        if (outcome instanceof AuthOutcome.Authenticated authenticated) {
            return context.notifyContainerAboutLogin(authenticated.caller().name(), Set.of(authenticated.caller().role().label()));
        }
        return context.doNothing();
    }
}
