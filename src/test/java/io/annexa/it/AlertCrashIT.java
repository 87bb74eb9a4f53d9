package io.annexa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable bundle killed with {@code kill -9} while its webhook receiver is down and deliveries are being retried,
 * then started again on the same data directory with the receiver up: every alert event the service recorded reaches
 * the receiver, each delivery keeps its webhook-id across the crash, no event is in two deliveries, every request is
 * signed as Standard Webhooks say. The receiver checks signatures with its own HMAC code, not Annexa's.
 */
class AlertCrashIT {

    private static final Duration START_DEADLINE = Duration.ofMinutes(4);
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    /** Short waits, and many of them: the receiver stays down across the restart, so a delivery must not die meanwhile. */
    private static final String RETRY_SCHEDULE = String.join(",", java.util.Collections.nCopies(60, "2s"));

    /** Kept when the test fails: annexa.log and the database tell what happened. */
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path work;

    private Process annexa;
    private Receiver receiver;

    @AfterEach
    void stop() throws InterruptedException {
        if (annexa != null && annexa.isAlive()) {
            annexa.descendants().forEach(ProcessHandle::destroy);
            annexa.destroy();
            if (!annexa.waitFor(60, TimeUnit.SECONDS)) {
                killHard(annexa);
            }
        }
        if (receiver != null) {
            receiver.server.stop(0);
        }
    }

    @Test
    void everyAlertEventReachesTheReceiverAfterAKillDuringRetries() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        receiver = new Receiver(key);
        Path home = home("whsec_" + Base64.getEncoder().encodeToString(key), receiver.port());
        Path data = work.resolve("data");

        AnnexaClient api = startAndWait(home, data);
        // the bundled samples raise nonconformities at start; their deliveries fail while the receiver answers 503
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> deliveries(api).stream().anyMatch(d -> d.getInt("attempts") > 0));
        assertThat(receiver.requests).as("attempts reached the receiver while it was down").isNotEmpty()
                .allSatisfy(r -> assertThat(r.answered()).isEqualTo(503));
        Set<String> beforeCrash = deliveries(api).stream().map(d -> d.getString("id")).collect(Collectors.toSet());

        killHard(annexa);
        assertThat(annexa.isAlive()).isFalse();

        AnnexaClient again = startAndWait(home, data);
        receiver.up = true;

        // quiet: every delivery the service recorded is delivered and the receiver has accepted each one
        await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).until(() -> {
            List<JsonObject> all = deliveries(again);
            return !all.isEmpty() && all.stream().allMatch(d -> d.getString("state").equals("delivered"))
                    && receiver.accepted().keySet().equals(ids(all));
        });

        List<JsonObject> recorded = deliveries(again);
        assertThat(ids(recorded)).as("the deliveries made before the crash are kept, with their webhook-ids").containsAll(beforeCrash);
        assertThat(receiver.requests).as("every request carries a valid Standard Webhooks signature")
                .allSatisfy(r -> assertThat(r.signatureValid()).as(r.webhookId()).isTrue());

        // the same webhook-id always carries the same events: a receiver may drop repeats on it
        Map<String, Set<List<String>>> eventsById = new HashMap<>();
        receiver.requests.forEach(r -> eventsById.computeIfAbsent(r.webhookId(), id -> new HashSet<>()).add(r.eventIds()));
        assertThat(eventsById.values()).allSatisfy(versions -> assertThat(versions).hasSize(1));

        // after dropping repeats of a webhook-id, each event was delivered exactly once
        List<String> deliveredEvents = receiver.accepted().values().stream().flatMap(r -> r.eventIds().stream()).toList();
        assertThat(deliveredEvents).doesNotHaveDuplicates();

        // ... and the events delivered are exactly the events the service says its deliveries carry
        Set<String> recordedEvents = new TreeSet<>();
        for (JsonObject delivery : recorded) {
            AnnexaClient.Reply one = again.get("api/alerts/deliveries/" + delivery.getString("id"));
            assertThat(one.status()).as(one.body()).isEqualTo(200);
            one.json().asJsonObject().getJsonArray("events").getValuesAs(JsonObject.class)
                    .forEach(e -> recordedEvents.add(e.getString("id")));
        }
        assertThat(new TreeSet<>(deliveredEvents)).isEqualTo(recordedEvents);

        // every nonconformity in the register was announced
        Set<Long> announced = receiver.accepted().values().stream().flatMap(r -> r.nonconformityIds().stream()).collect(Collectors.toSet());
        List<JsonObject> register = again.list("api/nonconformities?limit=500");
        assertThat(register).as("the samples raise nonconformities").isNotEmpty();
        assertThat(announced).containsAll(register.stream().map(nc -> nc.getJsonNumber("id").longValue()).toList());
    }

    // ------------------------------------------------------------------ Annexa

    private AnnexaClient startAndWait(Path home, Path data) throws IOException {
        int port = BundleFiles.freePort();
        annexa = start(home, data, port);
        AnnexaClient api = new AnnexaClient(URI.create("http://127.0.0.1:" + port + "/"));
        await().atMost(START_DEADLINE).pollInterval(Duration.ofMillis(500)).alias("Annexa healthy; log: " + work.resolve("annexa.log"))
                .until(() -> {
                    if (!annexa.isAlive()) {
                        throw new AssertionError("Annexa exited with status " + annexa.exitValue() + log());
                    }
                    return api.healthy();
                });
        return api;
    }

    /** The repository's config/, rules/ and integrations/, with every alert routed to the receiver at once. */
    private Path home(String secret, int receiverPort) throws IOException {
        Path home = work.resolve("home");
        Path project = Path.of(System.getProperty("annexa.projectDir"));
        for (String part : List.of("rules", "config", "integrations")) {
            BundleFiles.copyTree(project.resolve(part), home.resolve(part));
        }
        Files.writeString(home.resolve("config/alerts.yml"), """
                receivers:
                  - name: crash-receiver
                    webhook:
                      url: http://127.0.0.1:%d/hook
                      secret: %s
                route:
                  receiver: crash-receiver
                  group_by: [asset]
                  group_wait: 0s
                  group_interval: 1s
                  repeat_interval: 1h
                allow_private_targets: ["127.0.0.1/32"]
                """.formatted(receiverPort, secret));
        return home;
    }

    private Process start(Path home, Path data, int port) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(BundleFiles.javaExecutable(), "-jar", System.getProperty("annexa.bundle"),
                "--port", Integer.toString(port));
        Map<String, String> env = builder.environment();
        env.put("ANNEXA_HOME", home.toString());
        env.put("ANNEXA_DATA", data.toString());
        env.put("ANNEXA_BOOTSTRAP_ADMIN_PASSWORD", AnnexaClient.adminPassword());
        env.put("ANNEXA_JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC -Djava.io.tmpdir=" + work);
        // MicroProfile Config's environment mapping of annexa.alerts.retry-schedule and annexa.alerts.max-age
        env.put("ANNEXA_ALERTS_RETRY_SCHEDULE", RETRY_SCHEDULE);
        env.put("ANNEXA_ALERTS_MAX_AGE", "1h");
        env.put("ANNEXA_ALERTS_POLL_INTERVAL", "250ms");
        builder.directory(work.toFile());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("annexa.log").toFile()));
        return builder.start();
    }

    /**
     * {@code kill -9} of the bundle: the launcher runs Payara Micro in a child JVM, which is the one that must die
     * without a chance to shut down, so it is killed first, then the launcher.
     */
    private static void killHard(Process launcher) throws InterruptedException {
        List<ProcessHandle> children = launcher.descendants().toList();
        children.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle child : children) {
            child.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        }
        launcher.destroyForcibly();
        assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Every delivery, all pages. */
    private static List<JsonObject> deliveries(AnnexaClient api) {
        List<JsonObject> all = new ArrayList<>();
        String cursor = null;
        do {
            AnnexaClient.Reply reply = api.get("api/alerts/deliveries?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            JsonObject page = reply.json().asJsonObject();
            all.addAll(page.getJsonArray("items").getValuesAs(JsonObject.class));
            cursor = page.isNull("next") ? null : java.net.URLEncoder.encode(page.getString("next"), StandardCharsets.UTF_8);
        } while (cursor != null);
        return all;
    }

    private static Set<String> ids(List<JsonObject> deliveries) {
        return deliveries.stream().map(d -> d.getString("id")).collect(Collectors.toSet());
    }

    private String log() {
        return BundleFiles.lastLines(work.resolve("annexa.log"));
    }

    // ------------------------------------------------------------------ the receiver

    /** One request as the receiver saw it. */
    record Received(String webhookId, boolean signatureValid, List<String> eventIds, Set<Long> nonconformityIds, int answered) {
    }

    /** A webhook receiver on an ephemeral port: answers 503 until {@code up}, then 200; keeps every request. */
    static final class Receiver {
        final HttpServer server;
        final List<Received> requests = new CopyOnWriteArrayList<>();
        private final byte[] key;
        volatile boolean up;

        Receiver(byte[] key) throws IOException {
            this.key = key.clone();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/hook", this::handle);
            server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        /** The first accepted request of each webhook-id: what a receiver keeps after dropping repeats. */
        Map<String, Received> accepted() {
            Map<String, Received> first = new HashMap<>();
            requests.stream().filter(r -> r.answered() == 200).forEach(r -> first.putIfAbsent(r.webhookId(), r));
            return first;
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
                try (JsonReader reader = Json.createReader(new StringReader(new String(body, StandardCharsets.UTF_8)))) {
                    JsonObject payload = reader.readObject();
                    for (JsonObject event : payload.getJsonObject("data").getJsonArray("events").getValuesAs(JsonObject.class)) {
                        events.add(event.getString("id"));
                        JsonValue subject = event.get("subject");
                        if (subject instanceof JsonObject s && s.containsKey("nonconformityId") && !s.isNull("nonconformityId")) {
                            nonconformities.add(s.getJsonNumber("nonconformityId").longValue());
                        }
                    }
                }
                int status = up ? 200 : 503;
                requests.add(new Received(id, valid, List.copyOf(events), Set.copyOf(nonconformities), status));
                exchange.sendResponseHeaders(status, -1);
            } catch (RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
                throw e;
            }
        }

        /**
         * Standard Webhooks: HMAC-SHA256 over {@code id.timestamp.body} with the secret's bytes, base64, sent as one or
         * more space-separated {@code v1,<signature>}; the timestamp within five minutes of now.
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
                    if (candidate.startsWith("v1,")
                            && MessageDigest.isEqual(expected, Base64.getDecoder().decode(candidate.substring(3)))) {
                        return true;
                    }
                }
                return false;
            } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
