package io.annexa.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * A small HTTP client for Annexa's REST API, as a user's script would call it: signed in with HTTP Basic
 * (by default as the first admin, whose password the tests give Annexa) or a bearer token, or anonymous.
 */
final class AnnexaClient {

    static final String ADMIN = "admin";

    /** A response: status code, body and the headers a test may look at. */
    record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        JsonValue json() {
            try (JsonReader reader = Json.createReader(new StringReader(body))) {
                return reader.readValue();
            }
        }
    }

    private final HttpClient http;
    private final URI base;
    private final String authorization;

    AnnexaClient(URI base) {
        this(base, basic(ADMIN, adminPassword()));
    }

    AnnexaClient(URI base, String authorization) {
        this(base, authorization, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build());
    }

    AnnexaClient(URI base, String authorization, HttpClient http) {
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
        this.authorization = authorization;
        this.http = http;
    }

    static String adminPassword() {
        return System.getProperty("annexa.it.adminPassword");
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    AnnexaClient as(String user, String password) {
        return new AnnexaClient(base, basic(user, password), http);
    }

    AnnexaClient withToken(String token) {
        return new AnnexaClient(base, "Bearer " + token, http);
    }

    AnnexaClient anonymous() {
        return new AnnexaClient(base, null, http);
    }

    Reply get(String path) {
        return send("GET", path, null, "application/json");
    }

    Reply get(String path, String accept) {
        return send("GET", path, null, accept);
    }

    Reply post(String path, String json) {
        return send("POST", path, json, "application/json");
    }

    Reply put(String path, String json) {
        return send("PUT", path, json, "application/json");
    }

    Reply delete(String path) {
        return send("DELETE", path, null, "application/json");
    }

    Reply send(String method, String path, String json, String accept) {
        return request(method, path, json, json == null ? null : "application/json", "Accept", accept);
    }

    /** Any request: a body of the given content type (or none) and further headers as name, value, name, value... */
    Reply request(String method, String path, String body, String contentType, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        HttpRequest request = builder.build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET returning a JSON array; fails on any status but 200. */
    List<JsonObject> list(String path) {
        Reply reply = get(path);
        if (reply.status() != 200) {
            throw new AssertionError("GET " + path + " answered " + reply.status() + ": " + reply.body());
        }
        // a paged list is {"items": [...], "next": cursor}; this reads its first page
        jakarta.json.JsonValue body = reply.json();
        JsonArray array = body instanceof JsonObject page ? page.getJsonArray("items") : body.asJsonArray();
        return array.getValuesAs(JsonObject.class);
    }

    /** True once /health answers UP; false while it is down or unreachable. Health needs no credentials. */
    boolean healthy() {
        try {
            Reply reply = anonymous().get("health");
            return reply.status() == 200 && reply.body().contains("\"UP\"");
        } catch (UncheckedIOException e) {
            return false;
        }
    }
}
