package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real HTTP receiver on the loopback interface, which checks signatures with its own HMAC code. */
class WebhookSenderTest {

    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "a receiver's 32-byte signing key!".getBytes(StandardCharsets.UTF_8));
    private static final Instant NOW = Instant.parse("2026-12-04T10:20:00Z");
    private static final TargetPolicy LOOPBACK_ALLOWED = new TargetPolicy(List.of("127.0.0.1/32", "::1/128"));
    private static final TargetPolicy STRICT = new TargetPolicy(List.of());

    /** What the receiver answers next. */
    private record Answer(int status, Map<String, String> headers, String body) {
    }

    private record Received(String method, String path, Headers headers, String body) {
    }

    private HttpServer server;
    private ExecutorService handlers;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> redirectTargetHits = new CopyOnWriteArrayList<>();
    private final AtomicReference<Answer> answer = new AtomicReference<>(new Answer(200, Map.of(), ""));
    private final CountDownLatch releaseSlowAnswers = new CountDownLatch(1);
    private volatile boolean slow;

    @BeforeEach
    void startReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(), exchange.getRequestHeaders(), body));
            if (slow) {
                try {
                    releaseSlowAnswers.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Answer a = answer.get();
            a.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        });
        server.createContext("/moved-here", exchange -> {
            redirectTargetHits.add(exchange.getRequestURI().toString());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopReceiver() {
        releaseSlowAnswers.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static ReceiverConfig receiver(String url, String secret, String format) {
        return new ReceiverConfig("ops", new WebhookConfig(URI.create(url), secret, format), null);
    }

    private static WebhookSender sender(TargetPolicy policy, Instant now) {
        return new WebhookSender(policy, Clock.fixed(now, ZoneOffset.UTC), Duration.ofSeconds(5));
    }

    private static WebhookSender sender(TargetPolicy policy) {
        return sender(policy, NOW);
    }

    /** The receiver's side of Standard Webhooks, written from the specification, not from WebhookSignature. */
    private static boolean signedBy(String secret, Received request) throws Exception {
        String id = request.headers().getFirst("webhook-id");
        String timestamp = request.headers().getFirst("webhook-timestamp");
        String signatures = request.headers().getFirst("webhook-signature");
        if (id == null || timestamp == null || signatures == null) {
            return false;
        }
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] expected = mac.doFinal((id + "." + timestamp + "." + request.body()).getBytes(StandardCharsets.UTF_8));
        for (String versioned : signatures.split(" ")) {
            if (versioned.startsWith("v1,")
                    && MessageDigest.isEqual(Base64.getDecoder().decode(versioned.substring(3)), expected)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void a2xxIsDeliveredWithStandardWebhooksHeadersTheReceiverCanVerify() throws Exception {
        DeliveryOutcome outcome = sender(LOOPBACK_ALLOWED).send("dlv-17", Alerts.single(), receiver(url("/hook"), SECRET, "standard"));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Delivered(200));
        assertThat(received).hasSize(1);
        Received request = received.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/hook");
        assertThat(request.headers().getFirst("Content-Type")).isEqualTo("application/json");
        assertThat(request.headers().getFirst("webhook-id")).isEqualTo("dlv-17");
        assertThat(request.headers().getFirst("webhook-timestamp")).isEqualTo(Long.toString(NOW.getEpochSecond()));
        assertThat(request.headers().getFirst("webhook-signature")).startsWith("v1,");
        assertThat(signedBy(SECRET, request)).isTrue();
        assertThat(request.body()).isEqualTo(AlertPayload.json(Alerts.single(), "standard"));
        assertThat(AlertPayloadTest.violations(request.body())).isEmpty();
    }

    @Test
    void theIndependentVerifierRefusesATamperedBody() throws Exception {
        sender(LOOPBACK_ALLOWED).send("dlv-17", Alerts.single(), receiver(url("/hook"), SECRET, "standard"));
        Received request = received.get(0);

        Received tampered = new Received(request.method(), request.path(), request.headers(), request.body().replace("major", "minor"));

        assertThat(signedBy(SECRET, tampered)).isFalse();
    }

    @Test
    void aRedeliveryKeepsTheWebhookIdAndSignsItsOwnTimestamp() throws Exception {
        ReceiverConfig ops = receiver(url("/hook"), SECRET, "standard");
        sender(LOOPBACK_ALLOWED, NOW).send("dlv-17", Alerts.single(), ops);
        sender(LOOPBACK_ALLOWED, NOW.plusSeconds(300)).send("dlv-17", Alerts.single(), ops);

        assertThat(received).extracting(r -> r.headers().getFirst("webhook-id")).containsExactly("dlv-17", "dlv-17");
        assertThat(received).extracting(r -> r.headers().getFirst("webhook-timestamp"))
                .containsExactly(Long.toString(NOW.getEpochSecond()), Long.toString(NOW.getEpochSecond() + 300));
        assertThat(signedBy(SECRET, received.get(0))).isTrue();
        assertThat(signedBy(SECRET, received.get(1))).isTrue();
        assertThat(received.get(0).body()).isEqualTo(received.get(1).body());
    }

    @Test
    void aReceiverWithoutSecretGetsNoSignatureButAnId() {
        DeliveryOutcome outcome = sender(LOOPBACK_ALLOWED).send("dlv-1", Alerts.single(), receiver(url("/hook"), null, "slack"));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(received.get(0).headers().getFirst("webhook-signature")).isNull();
        assertThat(received.get(0).headers().getFirst("webhook-id")).isEqualTo("dlv-1");
        assertThat(AlertPayloadTest.read(received.get(0).body()).getString("text")).contains("MAJOR");
    }

    @Test
    void gone410DisablesTheReceiver() {
        answer.set(new Answer(410, Map.of(), "unsubscribed"));

        DeliveryOutcome outcome = sender(LOOPBACK_ALLOWED).send("dlv-1", Alerts.single(), receiver(url("/hook"), SECRET, "standard"));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Gone.class,
                gone -> assertThat(gone.reason()).contains("410", "unsubscribed"));
    }

    @Test
    void tooManyRequestsIsRetriedAfterTheSecondsTheReceiverAsks() {
        answer.set(new Answer(429, Map.of("Retry-After", "120"), ""));

        DeliveryOutcome outcome = sender(LOOPBACK_ALLOWED).send("dlv-1", Alerts.single(), receiver(url("/hook"), SECRET, "standard"));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Retry.class, retry -> {
            assertThat(retry.retryAfter()).isEqualTo(Duration.ofSeconds(120));
            assertThat(retry.reason()).contains("429");
        });
    }

    @Test
    void unavailableIsRetriedAtTheHttpDateTheReceiverNames() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(90).atZone(ZoneOffset.UTC));
        answer.set(new Answer(503, Map.of("Retry-After", date), ""));

        DeliveryOutcome outcome = sender(LOOPBACK_ALLOWED).send("dlv-1", Alerts.single(), receiver(url("/hook"), SECRET, "standard"));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Retry(((DeliveryOutcome.Retry) outcome).reason(), Duration.ofSeconds(90)));
    }

    @Test
    void serverErrorsAndRequestTimeoutsAreRetriedWithoutAHint() {
        answer.set(new Answer(500, Map.of(), "boom"));
        DeliveryOutcome serverError = sender(LOOPBACK_ALLOWED).send("dlv-1", Alerts.single(), receiver(url("/hook"), SECRET, "standard"));
        answer.set(new Answer(408, Map.of(), ""));
        DeliveryOutcome requestTimeout = sender(LOOPBACK_ALLOWED).send("dlv-1", Alerts.single(), receiver(url("/hook"), SECRET, "standard"));

        assertThat(serverError).isEqualTo(new DeliveryOutcome.Retry("http://127.0.0.1:" + server.getAddress().getPort() + " answered 500: boom", null));
        assertThat(requestTimeout).isInstanceOfSatisfying(DeliveryOutcome.Retry.class, r -> assertThat(r.retryAfter()).isNull());
    }

    @Test
    void otherClientErrorsArePermanentAndQuoteTheReceiver() {
        answer.set(new Answer(400, Map.of(), "{\"error\":\"invalid payload\"}"));

        DeliveryOutcome outcome = sender(LOOPBACK_ALLOWED).send("dlv-1", Alerts.single(), receiver(url("/hook"), SECRET, "standard"));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Permanent.class,
                p -> assertThat(p.reason()).contains("400", "invalid payload"));
    }

    @Test
    void aRedirectIsNotFollowed() {
        answer.set(new Answer(302, Map.of("Location", url("/moved-here")), ""));

        DeliveryOutcome outcome = sender(LOOPBACK_ALLOWED).send("dlv-1", Alerts.single(), receiver(url("/hook"), SECRET, "standard"));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Permanent.class,
                p -> assertThat(p.reason()).contains("302", "redirects are not followed"));
        assertThat(redirectTargetHits).isEmpty();
    }

    @Test
    void aReceiverThatDoesNotAnswerInTimeIsRetried() {
        slow = true;
        WebhookSender impatient = new WebhookSender(LOOPBACK_ALLOWED, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMillis(300));

        DeliveryOutcome outcome = impatient.send("dlv-1", Alerts.single(), receiver(url("/hook"), SECRET, "standard"));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Retry.class,
                r -> assertThat(r.reason()).contains("did not answer"));
    }

    @Test
    void aRefusedConnectionIsRetried() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }

        DeliveryOutcome outcome = sender(LOOPBACK_ALLOWED).send("dlv-1", Alerts.single(),
                receiver("http://127.0.0.1:" + closedPort + "/hook", SECRET, "standard"));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Retry.class,
                r -> assertThat(r.reason()).contains("127.0.0.1:" + closedPort));
    }

    @Test
    void loopbackIsRefusedWithoutConnectingUnlessAllowListed() {
        DeliveryOutcome outcome = sender(STRICT).send("dlv-1", Alerts.single(), receiver(url("/hook"), SECRET, "standard"));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Permanent.class,
                p -> assertThat(p.reason()).contains("127.0.0.1", "target policy"));
        assertThat(received).isEmpty();
    }

    @Test
    void theCloudMetadataAddressIsRefusedWithoutConnecting() {
        DeliveryOutcome outcome = sender(LOOPBACK_ALLOWED).send("dlv-1", Alerts.single(),
                receiver("http://169.254.169.254/latest/meta-data/", SECRET, "standard"));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Permanent.class,
                p -> assertThat(p.reason()).contains("169.254.169.254"));
    }

    @Test
    void aHostNameThatResolvesToLoopbackIsRefusedWithoutConnecting() {
        DeliveryOutcome outcome = sender(STRICT).send("dlv-1", Alerts.single(),
                receiver("http://localhost:" + server.getAddress().getPort() + "/hook", SECRET, "standard"));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Permanent.class,
                p -> assertThat(p.reason()).containsAnyOf("127.0.0.1", "0:0:0:0:0:0:0:1"));
        assertThat(received).isEmpty();
    }

    @Test
    void anAllowedHostNameIsSentToTheCheckedAddressWithItsOwnHostHeader() throws Exception {
        int port = server.getAddress().getPort();

        DeliveryOutcome outcome = sender(LOOPBACK_ALLOWED).send("dlv-1", Alerts.single(),
                receiver("http://localhost:" + port + "/hook?team=a%20b", SECRET, "standard"));

        assertThat(WebhookSender.canPinAddresses()).as("the tests run with -Djdk.httpclient.allowRestrictedHeaders=host").isTrue();
        assertThat(outcome).isEqualTo(new DeliveryOutcome.Delivered(200));
        assertThat(received.get(0).headers().getFirst("Host")).isEqualTo("localhost:" + port);
        assertThat(received.get(0).path()).isEqualTo("/hook?team=a%20b");
        assertThat(signedBy(SECRET, received.get(0))).isTrue();
    }

    @Test
    void theCredentialInAChatWebhookPathAppearsInNoReasonAndNoToString() {
        answer.set(new Answer(404, Map.of(), "no_service"));
        ReceiverConfig slack = receiver(url("/services/T0001/B0001/XoXsEcReTtOkEn"), SECRET, "slack");

        DeliveryOutcome outcome = sender(LOOPBACK_ALLOWED).send("dlv-1", Alerts.single(), slack);
        DeliveryOutcome refused = sender(STRICT).send("dlv-1", Alerts.single(), slack);

        assertThat(outcome.toString()).contains("404").doesNotContain("XoXsEcReTtOkEn");
        assertThat(refused.toString()).doesNotContain("XoXsEcReTtOkEn");
        assertThat(slack.toString()).doesNotContain("XoXsEcReTtOkEn").doesNotContain(SECRET.substring(6, 20));
    }

    @Test
    void aMalformedSecretIsPermanentAndNeitherSentNorShown() {
        DeliveryOutcome outcome = sender(LOOPBACK_ALLOWED).send("dlv-1", Alerts.single(),
                receiver(url("/hook"), "whsec_th!s-is-n0t-base64", "standard"));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Permanent.class,
                p -> assertThat(p.reason()).doesNotContain("th!s-is-n0t-base64"));
        assertThat(received).isEmpty();
    }

    @Test
    void onlyHttpAndHttpsAreSentTo() {
        DeliveryOutcome outcome = sender(LOOPBACK_ALLOWED).send("dlv-1", Alerts.single(), receiver("file:///etc/passwd", null, "standard"));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Permanent.class,
                p -> assertThat(p.reason()).contains("not http or https"));
    }
}
