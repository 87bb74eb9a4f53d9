package io.annexa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.access.Role;
import io.annexa.api.Public;
import io.annexa.api.Requires;
import jakarta.json.JsonObject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.File;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who may call what, on the real Payara Micro. Every JAX-RS resource method of the API is found by
 * reflection and called anonymously (401), with the role just below the one it requires (403) and with
 * that role (neither): a new endpoint without a role, or with the wrong one, fails the build. The endpoints
 * open to anybody ({@link Public}) are listed here by name, so another cannot be opened by accident.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AccessMatrixIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String PASSWORD = "matrix password 0001";

    @Deployment(testable = false)
    static WebArchive annexa() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("annexa.war")));
    }

    @ArquillianResource
    URL base;

    private AnnexaClient admin;

    /** The one thing anybody may do: sign in to a session, as JSON or as an HTML form. */
    private static final List<String> PUBLIC = List.of("POST api/session (SessionResource.signIn, public)",
            "POST api/session (SessionResource.signInWithForm, public)");

    /** One resource method, its HTTP verb, a concrete path and the role it declares (null: {@link Public}). */
    record Endpoint(String verb, String path, Role role, String name) {
        @Override
        public String toString() {
            return verb + " " + path + " (" + name + ", " + (role == null ? "public" : role) + ")";
        }
    }

    @BeforeEach
    void users() {
        admin = new AnnexaClient(URI.create(base.toString()));
        await().atMost(DEADLINE).until(admin::healthy);
        for (Role role : Role.values()) {
            AnnexaClient.Reply reply = admin.post("api/users",
                    "{\"name\":\"" + userFor(role) + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"" + role.label() + "\"}");
            assertThat(reply.status()).as(reply.body()).isIn(201, 409);
        }
    }

    private static String userFor(Role role) {
        return "matrix-" + role.label();
    }

    private AnnexaClient as(Role role) {
        return admin.as(userFor(role), PASSWORD);
    }

    @Test
    void everyEndpointRefusesAnonymousCallersAndWeakerRolesAndServesItsRole() throws Exception {
        List<Endpoint> endpoints = endpoints();
        assertThat(endpoints).extracting(Endpoint::path)
                .contains("api/nonconformities", "api/rules/validate", "api/users", "api/tokens", "api/reports/audit",
                        "api/audit/verify", "api/assets");

        assertThat(endpoints).filteredOn(e -> e.role() == null).extracting(Endpoint::toString).containsExactlyInAnyOrderElementsOf(PUBLIC);

        List<String> wrong = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            String body = endpoint.verb().equals("GET") || endpoint.verb().equals("DELETE") ? null : "{}";
            if (endpoint.role() == null) {
                // open, and still never a server error: without credentials in the body it is a 400
                AnnexaClient.Reply open = admin.anonymous().send(endpoint.verb(), endpoint.path(), body, "*/*");
                if (open.status() == 401 || open.status() == 403 || open.status() >= 500) {
                    wrong.add(endpoint + " anonymous: " + open.status() + " " + open.body());
                }
                continue;
            }
            AnnexaClient.Reply anonymous = admin.anonymous().send(endpoint.verb(), endpoint.path(), body, "*/*");
            if (anonymous.status() != 401 || anonymous.headers().firstValue("WWW-Authenticate").isEmpty()) {
                wrong.add(endpoint + " anonymous: " + anonymous.status());
            }
            Optional<Role> weaker = endpoint.role().below();
            if (weaker.isPresent()) {
                AnnexaClient.Reply refused = as(weaker.get()).send(endpoint.verb(), endpoint.path(), body, "*/*");
                if (refused.status() != 403) {
                    wrong.add(endpoint + " as " + weaker.get() + ": " + refused.status() + " " + refused.body());
                }
            }
            AnnexaClient.Reply allowed = as(endpoint.role()).send(endpoint.verb(), endpoint.path(), body, "*/*");
            if (allowed.status() == 401 || allowed.status() == 403 || allowed.status() >= 500) {
                wrong.add(endpoint + " as " + endpoint.role() + ": " + allowed.status() + " " + allowed.body());
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void viewersSeeNonconformitiesWithoutTheirEvidenceAndCannotExport() {
        List<JsonObject> forAuditor = await().atMost(DEADLINE).until(() -> as(Role.AUDITOR).list("api/nonconformities?status=open"), l -> !l.isEmpty());
        List<JsonObject> forViewer = as(Role.VIEWER).list("api/nonconformities?status=open");

        assertThat(forAuditor).allSatisfy(nc -> assertThat(nc.getString("evidenceSummary")).isNotBlank());
        assertThat(forViewer).isNotEmpty().allSatisfy(nc -> {
            assertThat(nc.isNull("evidenceSummary")).isTrue();
            assertThat(nc.isNull("treatment")).isTrue();
        });
        long id = forViewer.get(0).getJsonNumber("id").longValue();
        assertThat(as(Role.VIEWER).get("api/nonconformities/" + id + "/occurrences").status()).isEqualTo(403);
        assertThat(as(Role.AUDITOR).get("api/nonconformities/" + id + "/occurrences").status()).isEqualTo(200);
        assertThat(as(Role.AUDITOR).post("api/nonconformities/" + id + "/acknowledge", "{}").status()).isEqualTo(403);
        assertThat(as(Role.VIEWER).get("api/soa?format=json").status()).isEqualTo(200);
        assertThat(as(Role.VIEWER).get("api/soa?format=csv").status()).isEqualTo(403);
        assertThat(as(Role.AUDITOR).get("api/soa?format=csv").status()).isEqualTo(200);
        assertThat(as(Role.VIEWER).get("api/soa", "application/xml").status()).isEqualTo(403);
        assertThat(as(Role.VIEWER).get("api/reports/audit?from=2026-01-01&to=2026-12-31&format=csv", "text/csv").status()).isEqualTo(403);
        assertThat(as(Role.AUDITOR).get("api/reports/audit?from=2026-01-01&to=2026-12-31&format=csv", "text/csv").status()).isEqualTo(200);
    }

    @Test
    void aTokenIsShownOnceAndActsWithItsOwnWeakerRole() {
        AnnexaClient author = as(Role.RULE_AUTHOR);
        AnnexaClient.Reply created = author.post("api/tokens", "{\"name\":\"matrix script\",\"role\":\"viewer\",\"expiresInDays\":2}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String token = created.json().asJsonObject().getString("token");
        long id = created.json().asJsonObject().getJsonNumber("id").longValue();

        AnnexaClient script = author.withToken(token);
        assertThat(script.get("api/nonconformities").status()).isEqualTo(200);
        assertThat(script.post("api/rules/validate", "{}").status()).isEqualTo(403);
        assertThat(author.get("api/tokens").body()).contains("matrix script").doesNotContain(token);
        assertThat(admin.get("api/tokens").body()).doesNotContain(token);
        assertThat(as(Role.VIEWER).delete("api/tokens/" + id).status()).isEqualTo(404);

        assertThat(author.delete("api/tokens/" + id).status()).isEqualTo(204);
        assertThat(script.get("api/nonconformities").status()).isEqualTo(401);
    }

    @Test
    void repeatedWrongPasswordsAreThrottledWithRetryAfter() {
        admin.post("api/users", "{\"name\":\"matrix-throttled\",\"password\":\"" + PASSWORD + "\",\"role\":\"viewer\"}");
        AnnexaClient guesser = admin.as("matrix-throttled", "not the password");
        for (int i = 0; i < 5; i++) {
            assertThat(guesser.get("api/controls").status()).isEqualTo(401);
        }

        AnnexaClient.Reply throttled = admin.as("matrix-throttled", PASSWORD).get("api/controls");

        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
    }

    @Test
    void ruleChecksRunOneAtATimeAndTheOthersAreToldWhenToComeBack() {
        AnnexaClient author = as(Role.RULE_AUTHOR);
        String draft = "{\"path\":\"technological/c8_05_secure_authentication/matrix_concurrency_check\",\"ruleYml\":\"id: x\",\"drl\":\"package x;\",\"scenarios\":{}}";

        List<AnnexaClient.Reply> replies = IntStream.range(0, 4)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> author.post("api/rules/validate", draft)))
                .toList().stream().map(CompletableFuture::join).toList();

        assertThat(replies).extracting(AnnexaClient.Reply::status).contains(200, 429);
        assertThat(replies).filteredOn(r -> r.status() == 429)
                .allSatisfy(r -> assertThat(r.headers().firstValue("Retry-After")).isPresent());
    }

    @Test
    void viewersReadAlertsAndRulesAndOnlyAdminsSilence() {
        AnnexaClient viewer = as(Role.VIEWER);

        AnnexaClient.Reply schema = viewer.get("api/schemas/alert-1.json");
        assertThat(schema.status()).as(schema.body()).isEqualTo(200);
        assertThat(schema.json().asJsonObject().getString("$id")).isEqualTo("urn:annexa:schema:alert-1");
        AnnexaClient.Reply deliveries = viewer.get("api/alerts/deliveries");
        assertThat(deliveries.status()).as(deliveries.body()).isEqualTo(200);
        assertThat(deliveries.json().asJsonObject()).containsKeys("items", "next");
        AnnexaClient.Reply receivers = viewer.get("api/alerts/receivers");
        assertThat(receivers.status()).as(receivers.body()).isEqualTo(200);
        assertThat(receivers.json().getValueType()).isEqualTo(jakarta.json.JsonValue.ValueType.ARRAY);
        AnnexaClient.Reply config = viewer.get("api/alerts/config");
        assertThat(config.status()).as(config.body()).isEqualTo(200);
        assertThat(config.json().asJsonObject().getBoolean("present")).isTrue();

        String silence = "{\"matchers\":[\"asset=web-01.sample\"],\"endsAt\":\"" + java.time.Instant.now().plus(Duration.ofDays(1))
                + "\",\"comment\":\"matrix maintenance\"}";
        assertThat(viewer.post("api/silences", silence).status()).isEqualTo(403);
        AnnexaClient.Reply created = admin.post("api/silences", silence);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonObject stored = created.json().asJsonObject();
        assertThat(stored.getString("comment")).isEqualTo("matrix maintenance");
        long silenceId = stored.getJsonNumber("id").longValue();
        assertThat(viewer.list("api/silences")).anySatisfy(s -> assertThat(s.getJsonNumber("id").longValue()).isEqualTo(silenceId));
        assertThat(viewer.delete("api/silences/" + silenceId).status()).isEqualTo(403);
        assertThat(admin.delete("api/silences/" + silenceId).status()).isEqualTo(204);

        AnnexaClient.Reply events = viewer.get("api/rules/events");
        assertThat(events.status()).as(events.body()).isEqualTo(200);
        assertThat(events.json().asJsonObject()).containsKeys("kindsByRule", "kinds");
        List<JsonObject> rules = await().atMost(DEADLINE).until(() -> viewer.list("api/rules"), l -> !l.isEmpty());
        assertThat(rules).allSatisfy(rule -> {
            assertThat(rule).containsKeys("quarantined", "quarantine");
            assertThat(rule.getBoolean("quarantined")).isFalse();
            assertThat(rule.isNull("quarantine")).isTrue();
        });
    }

    @Test
    void anOversizedBodyIsRefusedBeforeItIsRead() {
        String huge = "{\"path\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}";

        assertThat(as(Role.RULE_AUTHOR).post("api/rules/validate", huge).status()).isEqualTo(413);
    }

    /** Every resource method in io.annexa.api, from the compiled classes. */
    private static List<Endpoint> endpoints() throws IOException, URISyntaxException, ClassNotFoundException {
        java.nio.file.Path folder = java.nio.file.Path.of(Requires.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/annexa/api");
        List<Endpoint> endpoints = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.list(folder)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().contains("$")).toList()) {
                Class<?> type = Class.forName("io.annexa.api." + file.getFileName().toString().replace(".class", ""));
                Path classPath = type.getAnnotation(Path.class);
                if (classPath == null) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    Optional<String> verb = verb(method);
                    if (verb.isEmpty()) {
                        continue;
                    }
                    Requires requires = method.getAnnotation(Requires.class);
                    boolean open = method.isAnnotationPresent(Public.class);
                    assertThat(requires != null || open).as(type.getSimpleName() + "." + method.getName() + " names no role with @Requires").isTrue();
                    assertThat(requires != null && open).as(type.getSimpleName() + "." + method.getName() + " is both @Requires and @Public").isFalse();
                    Path methodPath = method.getAnnotation(Path.class);
                    String path = "api/" + classPath.value() + (methodPath == null ? "" : "/" + methodPath.value());
                    endpoints.add(new Endpoint(verb.get(), path.replaceAll("\\{[^}]+}", "1").replace("//", "/"), open ? null : requires.value(),
                            type.getSimpleName() + "." + method.getName()));
                }
            }
        }
        return endpoints;
    }

    private static Optional<String> verb(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return Optional.of(http.value());
            }
        }
        return Optional.empty();
    }
}
