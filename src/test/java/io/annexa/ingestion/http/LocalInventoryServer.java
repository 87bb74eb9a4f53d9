package io.annexa.ingestion.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on 127.0.0.1 (random port) standing in for an inventory API: it answers each path
 * with what the test set, but only to requests carrying the expected Authorization header; any other
 * request gets 401, as a real API would answer.
 */
final class LocalInventoryServer implements AutoCloseable {

    /** One request as the server received it; authorization is null when the header was absent. */
    record Request(String path, String authorization, String accept) {
    }

    private record Answer(int status, byte[] body) {
    }

    private final HttpServer server;
    private final String expectedAuthorization;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    LocalInventoryServer(String expectedAuthorization) throws IOException {
        this.expectedAuthorization = expectedAuthorization;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    LocalInventoryServer answer(String path, int status, String body) {
        answers.put(path, new Answer(status, body.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add(new Request(path, authorization, exchange.getRequestHeaders().getFirst("Accept")));
            Answer answer;
            if (!Objects.equals(expectedAuthorization, authorization)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"inventory\"");
                answer = new Answer(401, "{\"error\":\"unauthorized\"}".getBytes(StandardCharsets.UTF_8));
            } else {
                answer = answers.getOrDefault(path, new Answer(404, "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8)));
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
