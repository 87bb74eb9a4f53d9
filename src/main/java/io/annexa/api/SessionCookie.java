package io.annexa.api;

import io.annexa.access.TrustedProxies;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.NewCookie;
import java.util.Arrays;
import java.util.Optional;

/**
 * The cookie that carries a sign-in session: HttpOnly (page scripts cannot read it), SameSite=Strict (the
 * browser sends it only with requests started from Annexa's own pages), Path=/, no Domain, no Max-Age (it
 * goes when the browser closes; the server ends it sooner). Over TLS it is Secure and named with the
 * {@code __Host-} prefix, which browsers accept only from a secure origin for the exact host, so a plain
 * HTTP page on the same host cannot plant one; over plain HTTP it is {@code annexa-session}.
 */
final class SessionCookie {

    static final String NAME = "annexa-session";
    static final String SECURE_NAME = "__Host-" + NAME;

    private SessionCookie() {
    }

    /**
     * Whether the browser reached Annexa over TLS: on Annexa's own HTTPS listener, or through a trusted proxy that ended
     * TLS and says so in {@code X-Forwarded-Proto} ({@link TrustedProxies}).
     */
    static boolean secure(HttpServletRequest request, TrustedProxies proxies) {
        return proxies.secure(request.isSecure(), request.getRemoteAddr(), request.getHeader("X-Forwarded-Proto"));
    }

    /** The session id the request's cookie carries, read under the name that fits how the request came. */
    static Optional<String> read(HttpServletRequest request, boolean secure) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        String name = nameFor(secure);
        return Arrays.stream(cookies).filter(c -> c.getName().equals(name)).map(Cookie::getValue)
                .filter(v -> v != null && !v.isEmpty()).findFirst();
    }

    /** Whether the request carries a session cookie under either name (whether or not it is valid). */
    static boolean carried(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        return cookies != null && Arrays.stream(cookies).anyMatch(c -> c.getName().equals(NAME) || c.getName().equals(SECURE_NAME));
    }

    static NewCookie issue(String id, boolean secure) {
        return builder(id, secure).build();
    }

    /** An empty cookie that expired long ago: the browser drops the one it holds. */
    static NewCookie clear(boolean secure) {
        return builder("", secure).maxAge(0).expiry(new java.util.Date(0)).build();
    }

    private static NewCookie.Builder builder(String value, boolean secure) {
        return new NewCookie.Builder(nameFor(secure)).value(value).path("/").httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT);
    }

    private static String nameFor(boolean secure) {
        return secure ? SECURE_NAME : NAME;
    }
}
