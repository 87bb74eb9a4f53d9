package io.annexa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable bundle started on a home whose rules do not compile: Annexa stays up but is not ready,
 * and says why where an operator looks, in the health check and in the API's 503 answers, naming the
 * broken file and line.
 */
class BrokenRuleIT {

    private static final Duration START_DEADLINE = Duration.ofMinutes(4);
    private static final String BROKEN_RULE = "technological/c8_05_secure_authentication/sshd_root_login_disabled";
    private static final String BROKEN_DRL = BROKEN_RULE + "/sshd_root_login_disabled.drl";

    @TempDir
    Path work;

    private Process annexa;

    @AfterEach
    void stop() throws InterruptedException {
        if (annexa != null && annexa.isAlive()) {
            annexa.destroy();
            if (!annexa.waitFor(60, TimeUnit.SECONDS)) {
                annexa.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aRuleThatDoesNotCompileLeavesAnnexaUpButNotReadyAndSaysWhere() throws Exception {
        Path home = work.resolve("home");
        Path project = Path.of(System.getProperty("annexa.projectDir"));
        for (String part : List.of("rules", "config", "integrations")) {
            BundleFiles.copyTree(project.resolve(part), home.resolve(part));
        }
        int brokenLine = removeFirstThen(home.resolve("rules").resolve(BROKEN_DRL));
        String where = "rules/" + BROKEN_DRL + ":" + brokenLine;

        int port = BundleFiles.freePort();
        annexa = start(home, port);
        AnnexaClient api = new AnnexaClient(URI.create("http://127.0.0.1:" + port + "/"));

        // any answer of the health check once Annexa has tried to start (its check is no longer 'starting')
        AnnexaClient.Reply health = await().atMost(START_DEADLINE).pollInterval(Duration.ofMillis(500))
                .alias("/health answering after Annexa's start-up; log: " + work.resolve("annexa.log"))
                .until(() -> health(api), reply -> reply.isPresent() && !state(reply.get()).equals("starting"))
                .orElseThrow();

        assertThat(health.status()).as(health.body() + log()).isEqualTo(503);
        JsonObject body = health.json().asJsonObject();
        assertThat(body.getString("status")).isEqualTo("DOWN");
        assertThat(state(health)).isEqualTo("failed");
        String problem = annexaCheck(health).orElseThrow().getJsonObject("data").getString("problem");
        assertThat(problem).as(health.body())
                .contains("rule library cannot be used")
                .contains(where)
                .contains("mismatched input 'end'");

        // access control stays up: a stranger learns nothing, a signed-in user learns why
        assertThat(api.anonymous().get("api/nonconformities").status()).isEqualTo(401);
        AnnexaClient.Reply nonconformities = api.get("api/nonconformities");
        assertThat(nonconformities.status()).as(nonconformities.body()).isEqualTo(503);
        JsonObject error = nonconformities.json().asJsonObject();
        assertThat(error.getInt("status")).isEqualTo(503);
        assertThat(error.getString("error")).contains("rule library cannot be used").contains(where);

        assertThat(annexa.isAlive()).as("Annexa stays up to report the problem").isTrue();
    }

    /**
     * Deletes the first {@code then} line: the parser then reads the consequence as a pattern and
     * trips over the {@code end} that follows.
     *
     * @return the line number of that {@code end} in the broken file, where the parser reports the error
     */
    private static int removeFirstThen(Path drl) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(drl));
        int then = lines.stream().map(String::strip).toList().indexOf("then");
        assertThat(then).as("test set-up: a 'then' line in " + drl).isNotNegative();
        lines.remove(then);
        int end = then;
        while (!lines.get(end).strip().equals("end")) {
            end++;
        }
        Files.write(drl, lines);
        return end + 1;
    }

    /** The health check's answer, empty while nothing listens; fails at once should Annexa exit. */
    private Optional<AnnexaClient.Reply> health(AnnexaClient api) {
        if (!annexa.isAlive()) {
            throw new AssertionError("Annexa exited with status " + annexa.exitValue() + log());
        }
        try {
            return Optional.of(api.get("health"));
        } catch (UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** Annexa's own check's state: starting, ready or failed; "starting" also before the check exists. */
    private static String state(AnnexaClient.Reply health) {
        return annexaCheck(health).map(c -> c.getJsonObject("data")).map(d -> d.getString("state", "starting"))
                .orElse("starting");
    }

    private static Optional<JsonObject> annexaCheck(AnnexaClient.Reply health) {
        try {
            JsonValue json = health.json();
            if (json.getValueType() != JsonValue.ValueType.OBJECT || !json.asJsonObject().containsKey("checks")) {
                return Optional.empty();
            }
            return json.asJsonObject().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                    .filter(c -> "annexa".equals(c.getString("name", null)) && c.containsKey("data"))
                    .findFirst();
        } catch (RuntimeException e) {
            return Optional.empty(); // not JSON (yet)
        }
    }

    private Process start(Path home, int port) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(BundleFiles.javaExecutable(), "-jar", System.getProperty("annexa.bundle"),
                "--port", Integer.toString(port));
        builder.environment().put("ANNEXA_HOME", home.toString());
        builder.environment().put("ANNEXA_DATA", work.resolve("data").toString());
        builder.environment().put("ANNEXA_BOOTSTRAP_ADMIN_PASSWORD", AnnexaClient.adminPassword());
        builder.environment().put("ANNEXA_JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC -Djava.io.tmpdir=" + work);
        builder.directory(work.toFile());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("annexa.log").toFile()));
        return builder.start();
    }

    private String log() {
        return BundleFiles.lastLines(work.resolve("annexa.log"));
    }

}
