package io.annexa.bench;

import static org.awaitility.Awaitility.await;

import io.annexa.it.BundleFiles;
import io.annexa.it.Chromium;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Time to first render of the web console's overview, and its page weight, with about 10,000 nonconformities not yet
 * fixed in the register. Seeds them the way production gets them: {@code hosts} host snapshots (copies of the sample
 * {@code integrations/samples/hosts/web-01}, seven nonconformities each) in the inbox of a fresh data folder, then
 * starts the runnable bundle ({@code target/annexa.jar}, its default heap) and waits until the register holds them.
 *
 * <p>Then Debian's headless Chromium (1366×768) signs in and loads {@code /#/} {@code loads} times with the browser
 * cache disabled (cold: every file and every API answer fetched) and {@code loads} times with it (warm: the WebJar and
 * console files revalidated or cached), reading from Navigation Timing when the page marked
 * {@code annexa:overview-rendered} (the heatmap, the counts, the source table and the trend chart are in the DOM: the
 * mark is set in the animation frame after they were appended), and summing the bytes of every resource the load
 * fetched (Resource Timing {@code encodedBodySize}: the bodies as sent, before decompression; HTTP headers are not
 * counted). {@code GET /api/overview} alone is also timed over HTTP.
 *
 * <pre>
 * mvn -B -q package -DskipTests &amp;&amp; mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/bench.classpath) io.annexa.bench.ConsoleOverviewBenchmark [hosts, 1430] [loads, 10]
 * </pre>
 */
public final class ConsoleOverviewBenchmark {

    private static final String PASSWORD = "bench admin password 01";

    private ConsoleOverviewBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 1430;
        int loads = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path project = Path.of("").toAbsolutePath();
        Path work = project.resolve("target/console-bench");
        delete(work);
        Path data = Files.createDirectories(work.resolve("data"));
        Path sample = project.resolve("integrations/samples/hosts/web-01");
        Path staging = Files.createDirectories(work.resolve("staging"));
        for (int i = 0; i < hosts; i++) {
            BundleFiles.copyTree(sample, staging.resolve("bench-%05d".formatted(i)));
        }
        Files.move(staging, Files.createDirectories(data.resolve("inbox")).resolve("hosts"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                project.resolve("target/annexa.jar").toString(), "--port", Integer.toString(port));
        builder.environment().put("ANNEXA_DATA", data.toString());
        builder.environment().put("ANNEXA_BOOTSTRAP_ADMIN_PASSWORD", PASSWORD);
        builder.directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("annexa.log").toFile());
        long started = System.nanoTime();
        Process annexa = builder.start();
        String base = "http://127.0.0.1:" + port + "/";
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ChromeDriver browser = null;
        try {
            waitFor("healthy", Duration.ofMinutes(5), Duration.ofMillis(200), () -> get(http, base + "health", false).contains("\"UP\""));
            System.out.printf("ready after %.1f s%n", (System.nanoTime() - started) / 1e9);
            waitFor(hosts * 7 + " nonconformities", Duration.ofMinutes(15), Duration.ofSeconds(2), () -> {
                int open = overview(http, base).getInt("open");
                System.out.printf("  %,d not yet fixed after %.0f s%n", open, (System.nanoTime() - started) / 1e9);
                return open >= hosts * 7;
            });
            JsonObject overview = overview(http, base);
            System.out.printf("register: %,d not yet fixed, by grade %s%n", overview.getInt("open"), overview.getJsonObject("openByGrade"));
            List<Double> api = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                long t = System.nanoTime();
                overview(http, base);
                api.add((System.nanoTime() - t) / 1e6);
            }
            System.out.printf("GET /api/overview over HTTP (Basic, remembered check), 25 calls: p50 %.0f ms, max %.0f ms%n",
                    Measure.median(api), api.stream().mapToDouble(d -> d).max().orElse(0));

            browser = Chromium.start(work);
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            browser.get(base);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("admin");
            browser.findElement(By.id("password")).sendKeys(PASSWORD);
            browser.findElement(By.cssSelector("form.login button[type=submit]")).click();
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("a.cell[data-control]"), 93));
            browser.executeCdpCommand("Network.enable", Map.of());
            for (boolean cold : List.of(true, false)) {
                browser.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", cold));
                List<Double> rendered = new ArrayList<>();
                List<Double> paint = new ArrayList<>();
                long bytes = 0;
                long staticBytes = 0;
                for (int i = 0; i < loads + 1; i++) {
                    browser.get("about:blank");
                    browser.get(base + "#/");
                    wait.until(d -> ((JavascriptExecutor) d).executeScript(
                            "return performance.getEntriesByName('annexa:overview-rendered').length") instanceof Long n && n > 0);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) browser.executeScript("""
                            const fcp = performance.getEntriesByName('first-contentful-paint')[0];
                            const nav = performance.getEntriesByType('navigation')[0];
                            const all = [nav, ...performance.getEntriesByType('resource')];
                            return {rendered: performance.getEntriesByName('annexa:overview-rendered')[0].startTime,
                                    fcp: fcp ? fcp.startTime : -1,
                                    bytes: all.reduce((n, e) => n + e.encodedBodySize, 0),
                                    staticBytes: all.filter(e => !e.name.includes('/api/')).reduce((n, e) => n + e.encodedBodySize, 0),
                                    cells: document.querySelectorAll('a.cell[data-control]').length};""");
                    if (((Number) m.get("cells")).intValue() != 93) {
                        throw new IllegalStateException("the overview rendered " + m.get("cells") + " cells");
                    }
                    if (i == 0) {
                        continue; // the first load of each kind warms the server's code paths
                    }
                    rendered.add(((Number) m.get("rendered")).doubleValue());
                    paint.add(((Number) m.get("fcp")).doubleValue());
                    bytes = ((Number) m.get("bytes")).longValue();
                    staticBytes = ((Number) m.get("staticBytes")).longValue();
                }
                System.out.printf("%s cache, %d loads: overview rendered with data p50 %.0f ms, max %.0f ms (first contentful paint p50 %.0f ms);"
                                + " bytes fetched %,d (files %,d, API answers %,d)%n", cold ? "cold" : "warm", loads,
                        Measure.median(rendered), rendered.stream().mapToDouble(d -> d).max().orElse(0), Measure.median(paint),
                        bytes, staticBytes, bytes - staticBytes);
            }
        } finally {
            if (browser != null) {
                browser.quit();
            }
            annexa.descendants().forEach(ProcessHandle::destroy);
            annexa.destroy();
            annexa.waitFor();
        }
    }

    private static JsonObject overview(HttpClient http, String base) {
        return Json.createReader(new StringReader(get(http, base + "api/overview", true))).readObject();
    }

    private static String get(HttpClient http, String url, boolean signedIn) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (signedIn) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code done} until it holds, failing after {@code limit}. */
    private static void waitFor(String what, Duration limit, Duration every, java.util.function.BooleanSupplier done) {
        await(what).atMost(limit).pollInterval(every).until(done::getAsBoolean);
    }

    private static void delete(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
