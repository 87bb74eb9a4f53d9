package io.annexa.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Security headers on every answer, the web console's files included. The console's pages load scripts and styles
 * from Annexa only and run no inline script ({@code script-src 'self'}, no {@code unsafe-inline}, no
 * {@code unsafe-eval}); no other site may frame them ({@code frame-ancestors 'none'}); the browser never guesses a
 * content type ({@code nosniff}). Its files are public (they hold no data: every figure comes from {@code /api} with the
 * session), the versioned WebJar files may be cached for good, Annexa's own are revalidated on each load.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class ConsoleHeaders extends HttpFilter {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/webjars/")) {
            response.setHeader("Cache-Control", "public, max-age=31536000, immutable");
        } else if (!path.startsWith("/api/") && !path.equals("/health")) {
            response.setHeader("Cache-Control", "no-cache");
        }
        chain.doFilter(request, response);
    }
}
