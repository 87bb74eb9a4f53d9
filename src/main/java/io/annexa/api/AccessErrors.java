package io.annexa.api;

import jakarta.ws.rs.core.Response;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/** Turns the access domain's refusals into answers: 400 bad field, 404 unknown, 409 conflict. */
final class AccessErrors {

    private AccessErrors() {
    }

    static <T> T translate(Supplier<T> action) {
        try {
            return action.get();
        } catch (NoSuchElementException e) {
            throw ApiError.notFound(e.getMessage());
        } catch (IllegalStateException e) {
            throw ApiError.of(Response.Status.CONFLICT, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }
}
