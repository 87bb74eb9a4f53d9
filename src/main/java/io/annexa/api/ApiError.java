package io.annexa.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The body of every error response: the HTTP status and a message saying what was wrong. */
public record ApiError(int status, String error) {

    static WebApplicationException of(Response.Status status, String message) {
        return new WebApplicationException(message, Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(status.getStatusCode(), message))
                .build());
    }

    static WebApplicationException badRequest(String message) {
        return of(Response.Status.BAD_REQUEST, message);
    }

    static WebApplicationException notFound(String message) {
        return of(Response.Status.NOT_FOUND, message);
    }

    /** A numeric id from the path, or 400 naming what it should have been. */
    static long id(String what, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw badRequest(what + " id '" + value + "' is not a number");
        }
    }

    static WebApplicationException unavailable(String message) {
        return of(Response.Status.SERVICE_UNAVAILABLE, message);
    }
}
