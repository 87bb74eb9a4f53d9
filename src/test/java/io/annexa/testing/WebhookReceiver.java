package io.annexa.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Standard Webhooks receiver on an ephemeral loopback port, path {@code /hook}: answers 503 while not {@link #up},
 * then 200 (410 Gone while {@link #gone}), and keeps every request. It checks signatures with its own HMAC code, written from the specification, not
 * with Annexa's {@code WebhookSignature}.
 */
public final class WebhookReceiver implements AutoCloseable {

    /**
     * One request as the receiver saw it. {@code repeat}: the body's {@code data.repeat} (false when absent);
     * {@code statuses}: each nonconformity's status as the body gave it.
     */
    public record Received(String webhookId, boolean signatureValid, List<String> eventIds, Set<Long> nonconformityIds,
                           Set<String> assets, int answered, boolean repeat, Map<Long, String> statuses) {
    }

    public final List<Received> requests = new CopyOnWriteArrayList<>();
    /** While false, every request is answered 503. */
    public volatile boolean up;
    /** While true, every request is answered 410 Gone: the receiver asks never to be sent to again. */
    public volatile boolean gone;
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(4);
    private final byte[] key;

    /** With a fresh random 32-byte signing key. */
    public WebhookReceiver(boolean up) throws IOException {
        this(randomKey(), up);
    }

    public WebhookReceiver(byte[] key, boolean up) throws IOException {
        this.key = key.clone();
        this.up = up;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL a receiver in config/alerts.yml names, on the loopback address. */
    public String url() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + port() + "/hook";
    }

    /** The signing secret for config/alerts.yml: {@code whsec_} and the key in base64. */
    public String secret() {
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    /** The first accepted request of each webhook-id: what a receiver keeps after dropping repeats. */
    public Map<String, Received> accepted() {
        Map<String, Received> first = new HashMap<>();
        requests.stream().filter(r -> r.answered() == 200).forEach(r -> first.putIfAbsent(r.webhookId(), r));
        return first;
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            String signatures = exchange.getRequestHeaders().getFirst("webhook-signature");
            boolean valid = verify(id, timestamp, signatures, body);
            List<String> events = new ArrayList<>();
            Set<Long> nonconformities = new HashSet<>();
            Set<String> assets = new HashSet<>();
            Map<Long, String> statuses = new HashMap<>();
            boolean repeat;
            try (JsonReader reader = Json.createReader(new StringReader(new String(body, StandardCharsets.UTF_8)))) {
                JsonObject payload = reader.readObject();
                repeat = payload.getJsonObject("data").getBoolean("repeat", false);
                for (JsonObject event : payload.getJsonObject("data").getJsonArray("events").getValuesAs(JsonObject.class)) {
                    events.add(event.getString("id"));
                    assets.add(event.getJsonObject("labels").getString("asset", ""));
                    JsonValue subject = event.get("subject");
                    if (subject instanceof JsonObject s && s.containsKey("nonconformityId") && !s.isNull("nonconformityId")) {
                        nonconformities.add(s.getJsonNumber("nonconformityId").longValue());
                        statuses.put(s.getJsonNumber("nonconformityId").longValue(), s.getString("status", ""));
                    }
                }
            }
            int status = gone ? 410 : up ? 200 : 503;
            requests.add(new Received(id, valid, List.copyOf(events), Set.copyOf(nonconformities), Set.copyOf(assets), status, repeat,
                    Map.copyOf(statuses)));
            exchange.sendResponseHeaders(status, -1);
        } catch (RuntimeException e) {
            exchange.sendResponseHeaders(400, -1);
            throw e;
        }
    }

    /**
     * Standard Webhooks: HMAC-SHA256 over {@code id.timestamp.body} with the secret's bytes, base64, sent as one or more
     * space-separated {@code v1,<signature>}; the timestamp within five minutes of now.
     */
    private boolean verify(String id, String timestamp, String header, byte[] body) {
        if (id == null || timestamp == null || header == null) {
            return false;
        }
        long sent = Long.parseLong(timestamp);
        if (Math.abs(System.currentTimeMillis() / 1000 - sent) > 300) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = mac.doFinal(body);
            for (String candidate : header.split(" ")) {
                if (candidate.startsWith("v1,") && MessageDigest.isEqual(expected, Base64.getDecoder().decode(candidate.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(e);
        }
    }
}
