package io.annexa.api;

import io.annexa.service.AnnexaService;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Guards the endpoints that change Annexa (deploying rules). Until access control exists they are
 * switched off unless {@code annexa.admin.token} is configured, and then need
 * {@code Authorization: Bearer <token>}.
 */
final class AdminGuard {

    private AdminGuard() {
    }

    static void require(AnnexaService service, HttpHeaders headers) {
        String token = service.setting("annexa.admin.token").orElseThrow(() -> ApiError.of(Response.Status.FORBIDDEN,
                "changing rules over the API is switched off: set annexa.admin.token (ANNEXA_ADMIN_TOKEN) to enable it"));
        String given = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        String expected = "Bearer " + token;
        // constant-time comparison: the token must not leak through response timing
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            throw ApiError.of(Response.Status.UNAUTHORIZED, "this endpoint needs 'Authorization: Bearer <annexa.admin.token>'");
        }
    }
}
