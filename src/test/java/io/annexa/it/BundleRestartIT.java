package io.annexa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable bundle, started as an operator starts it ({@code java -jar annexa.jar}), stopped and
 * started again on the same data directory: the register survives, and re-reading the same evidence
 * does not duplicate anything.
 */
class BundleRestartIT {

    private static final Duration START_DEADLINE = Duration.ofMinutes(4);
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path work;

    private Process annexa;

    @AfterEach
    void stop() throws InterruptedException {
        if (annexa != null && annexa.isAlive()) {
            stop(annexa);
        }
    }

    @Test
    void nonconformitiesSurviveARestartWithoutDuplicates() throws Exception {
        Path data = work.resolve("data");
        Files.createDirectories(data.resolve("inbox/sshd_config"));
        Files.writeString(data.resolve("inbox/sshd_config/web7"), "PermitRootLogin yes\nPasswordAuthentication no\n");

        int port = BundleFiles.freePort();
        annexa = start(data, port, false);
        AnnexaClient api = new AnnexaClient(URI.create("http://127.0.0.1:" + port + "/"));
        await().atMost(START_DEADLINE).pollInterval(Duration.ofMillis(500)).until(api::healthy);
        JsonObject before = await().atMost(DEADLINE)
                .until(() -> rootLogin(api), list -> list.size() == 1).get(0);
        assertThat(before.getString("status")).isEqualTo("open");
        JsonObject sampleBefore = await().atMost(DEADLINE).until(() -> sampleRootLogin(api), list -> list.size() == 1).get(0);
        stop(annexa);

        int secondPort = BundleFiles.freePort();
        annexa = start(data, secondPort, true);
        AnnexaClient again = new AnnexaClient(URI.create("http://127.0.0.1:" + secondPort + "/"));
        await().atMost(START_DEADLINE).pollInterval(Duration.ofMillis(500)).until(again::healthy);
        // the inbox file is read again after the restart; wait until it has been, then compare
        await().atMost(DEADLINE).until(() -> inboxItemsRead(again) >= 1);
        await().atMost(DEADLINE).until(() -> !rootLogin(again).get(0)
                .getString("lastSeen").equals(before.getString("lastSeen")));

        List<JsonObject> after = rootLogin(again);
        assertThat(after).hasSize(1);
        assertThat(after.get(0).getInt("id")).isEqualTo(before.getInt("id"));
        assertThat(after.get(0).getString("status")).isEqualTo("open");
        assertThat(after.get(0).getString("firstSeen")).isEqualTo(before.getString("firstSeen"));

        // the bundled samples are unpacked to a new folder at each start: still the same files, not deleted ones
        await().atMost(DEADLINE).until(() -> again.list("api/sources").stream()
                .filter(o -> o.getString("routeId").equals("hosts-samples"))
                .allMatch(o -> o.getJsonNumber("itemsRead").longValue() >= 2));
        List<JsonObject> sampleAfter = sampleRootLogin(again);
        assertThat(sampleAfter).singleElement().satisfies(nc -> {
            assertThat(nc.getInt("id")).isEqualTo(sampleBefore.getInt("id"));
            assertThat(nc.getString("status")).isEqualTo("open");
        });
        assertThat(again.get("api/audit/verify").json().asJsonObject().getBoolean("valid")).isTrue();
    }

    private static List<JsonObject> sampleRootLogin(AnnexaClient api) {
        return api.list("api/nonconformities?asset=web-01.sample").stream()
                .filter(o -> o.getString("ruleId").equals("sshd_root_login_disabled")).toList();
    }

    private static long inboxItemsRead(AnnexaClient api) {
        return api.list("api/sources").stream().filter(o -> o.getString("routeId").equals("sshd-config-inbox"))
                .findFirst().orElseThrow().getJsonNumber("itemsRead").longValue();
    }

    /** The first start passes the port as --port, the second as ANNEXA_PORT: both must work. */
    private Process start(Path data, int port, boolean portFromEnvironment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(BundleFiles.javaExecutable(), "-jar", System.getProperty("annexa.bundle"));
        if (portFromEnvironment) {
            builder.environment().put("ANNEXA_PORT", Integer.toString(port));
        } else {
            builder.command().addAll(List.of("--port", Integer.toString(port)));
        }
        builder.environment().put("ANNEXA_DATA", data.toString());
        builder.environment().put("ANNEXA_BOOTSTRAP_ADMIN_PASSWORD", AnnexaClient.adminPassword());
        builder.environment().put("ANNEXA_SOURCES_INBOX_POLL_MS", "250");
        builder.environment().put("ANNEXA_JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC -Djava.io.tmpdir=" + work);
        builder.directory(work.toFile());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("annexa.log").toFile()));
        return builder.start();
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The library raises several nonconformities on web7; this test follows the root login one. */
    private static List<JsonObject> rootLogin(AnnexaClient api) {
        return api.list("api/nonconformities?asset=web7").stream()
                .filter(o -> o.getString("ruleId").equals("sshd_root_login_disabled")).toList();
    }
}
