package io.annexa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.annexa.testing.WebhookReceiver;
import jakarta.json.JsonObject;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable bundle killed with {@code kill -9} while its webhook receiver is down and deliveries are being retried,
 * then started again on the same data directory with the receiver up: every alert event the service recorded reaches
 * the receiver, each delivery keeps its webhook-id across the crash, no event is in two deliveries, every request is
 * signed as Standard Webhooks say. The receiver checks signatures with its own HMAC code, not Annexa's.
 *
 * <p>The same run checks e-mail inside Payara Micro (one start of the bundle less than a test of its own): the root-login
 * nonconformity of the bundled sample host is also routed ({@code continue: true}) to an e-mail receiver, sent through
 * the Jakarta Mail that Payara provides to a GreenMail SMTP server the test starts on a free port, configured through
 * {@code config/annexa.properties} as an operator would.
 */
class AlertCrashIT {

    private static final Duration START_DEADLINE = Duration.ofMinutes(4);
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    /** Short waits, and many of them: the receiver stays down across the restart, so a delivery must not die meanwhile. */
    private static final String RETRY_SCHEDULE = String.join(",", java.util.Collections.nCopies(60, "2s"));
    private static final String PUBLIC_URL = "https://annexa.example.org";
    private static final String ISMS = "isms@example.org";
    private static final String SAMPLE_HOST = "web-01.sample";

    /** Kept when the test fails: annexa.log and the database tell what happened. */
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path work;

    private Process annexa;
    private WebhookReceiver receiver;
    private GreenMail smtp;

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
            receiver.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void everyAlertEventReachesTheReceiverAfterAKillDuringRetries() throws Exception {
        receiver = new WebhookReceiver(false);
        smtp = new GreenMail(ServerSetup.dynamicPort(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)}));
        smtp.start();
        Path home = home(receiver.secret(), receiver.port(), smtp.getSmtp().getPort());
        Path data = work.resolve("data");

        AnnexaClient api = startAndWait(home, data);
        theRootLoginOfTheSampleHostIsMailed(api);
        // the bundled samples raise nonconformities at start; their deliveries fail while the receiver answers 503
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> webhookDeliveries(api).stream().anyMatch(d -> d.getInt("attempts") > 0));
        assertThat(receiver.requests).as("attempts reached the receiver while it was down").isNotEmpty()
                .allSatisfy(r -> assertThat(r.answered()).isEqualTo(503));
        Set<String> beforeCrash = ids(webhookDeliveries(api));

        killHard(annexa);
        assertThat(annexa.isAlive()).isFalse();

        AnnexaClient again = startAndWait(home, data);
        receiver.up = true;

        // quiet: every delivery the service recorded is delivered and the receiver has accepted each one
        await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).until(() -> {
            List<JsonObject> all = deliveries(again);
            return !all.isEmpty() && all.stream().allMatch(d -> d.getString("state").equals("delivered"))
                    && receiver.accepted().keySet().equals(ids(webhooksOf(all)));
        });

        List<JsonObject> recorded = webhookDeliveries(again);
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

    /**
     * Payara's Jakarta Mail delivers the e-mail of the sample host's root login to the test's SMTP server: to the
     * receiver's address, its subject naming grade, control, rule and asset, both parts naming the nonconformity and
     * linking to it under annexa.public-url.
     */
    private void theRootLoginOfTheSampleHostIsMailed(AnnexaClient api) throws Exception {
        JsonObject rootLogin = await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
                .until(() -> api.list("api/nonconformities?asset=" + SAMPLE_HOST + "&limit=500").stream()
                        .filter(nc -> nc.getString("ruleId").equals("sshd_root_login_disabled")).findFirst(), Optional::isPresent)
                .orElseThrow();
        String link = PUBLIC_URL + "/api/nonconformities/" + rootLogin.getJsonNumber("id").longValue();
        MimeMessage mail = await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).alias("the e-mail for " + SAMPLE_HOST)
                .until(() -> Arrays.stream(smtp.getReceivedMessages()).filter(m -> subject(m).endsWith(" on " + SAMPLE_HOST)).findFirst(),
                        Optional::isPresent)
                .orElseThrow();

        assertThat(mail.getSubject()).isEqualTo("[Annexa] " + rootLogin.getString("grade").toUpperCase(Locale.ROOT)
                + " Nonconformity opened: 8.5 " + rootLogin.getString("ruleTitle") + " on " + SAMPLE_HOST);
        assertThat(mail.getAllRecipients()).extracting(Object::toString).containsExactly(ISMS);
        assertThat(mail.getFrom()).extracting(Object::toString).containsExactly("Annexa <annexa@example.org>");
        MimeMultipart parts = (MimeMultipart) mail.getContent();
        String text = parts.getBodyPart(0).getContent().toString().replace("\r\n", "\n");
        String html = parts.getBodyPart(1).getContent().toString();
        assertThat(text).contains("Open:       " + link + "\n", "sshd_root_login_disabled", "PermitRootLogin yes",
                "Asset:      " + SAMPLE_HOST, "Control:    8.5");
        assertThat(html).contains("href=\"" + link + "\"", rootLogin.getString("ruleTitle"), SAMPLE_HOST);
        String deliveryId = mail.getHeader("X-Annexa-Delivery-Id")[0];
        AnnexaClient.Reply delivery = api.get("api/alerts/deliveries/" + deliveryId);
        assertThat(delivery.status()).as(delivery.body()).isEqualTo(200);
        assertThat(delivery.json().asJsonObject().getString("channel")).isEqualTo("email");
        assertThat(delivery.json().asJsonObject().getString("receiver")).isEqualTo("isms-mail");
        await().atMost(DEADLINE).until(() -> api.get("api/alerts/deliveries/" + deliveryId).json().asJsonObject()
                .getString("state").equals("delivered"));
    }

    private static String subject(MimeMessage mail) {
        try {
            return mail.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The repository's config/, rules/ and integrations/, with every alert routed to the webhook receiver at once and
     * root logins also to an e-mail receiver; the SMTP server and the public URL in config/annexa.properties.
     */
    private Path home(String secret, int receiverPort, int smtpPort) throws IOException {
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
                  - name: isms-mail
                    email:
                      to: [%s]
                route:
                  receiver: crash-receiver
                  group_by: [asset]
                  group_wait: 0s
                  group_interval: 1s
                  repeat_interval: 1h
                  routes:
                    - matchers: ['rule = "sshd_root_login_disabled"']
                      receiver: isms-mail
                      continue: true
                    - receiver: crash-receiver
                allow_private_targets: ["127.0.0.1/32"]
                """.formatted(receiverPort, secret, ISMS));
        Files.writeString(home.resolve("config/annexa.properties"), """

                # the test's SMTP server (GreenMail, plain SMTP on the loopback address) and where links point
                annexa.public-url=%s
                annexa.alerts.smtp.host=127.0.0.1
                annexa.alerts.smtp.port=%d
                annexa.alerts.smtp.security=none
                annexa.alerts.smtp.from=Annexa <annexa@example.org>
                """.formatted(PUBLIC_URL, smtpPort), StandardOpenOption.APPEND);
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

    /** The webhook deliveries, all pages: those the crash and restart are about. */
    private static List<JsonObject> webhookDeliveries(AnnexaClient api) {
        return webhooksOf(deliveries(api));
    }

    private static List<JsonObject> webhooksOf(List<JsonObject> deliveries) {
        return deliveries.stream().filter(d -> d.getString("channel").equals("webhook")).toList();
    }

    private static Set<String> ids(List<JsonObject> deliveries) {
        return deliveries.stream().map(d -> d.getString("id")).collect(Collectors.toSet());
    }

    private String log() {
        return BundleFiles.lastLines(work.resolve("annexa.log"));
    }
}
