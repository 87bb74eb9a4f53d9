package io.annexa.bench;

import com.sun.net.httpserver.HttpServer;
import io.annexa.alerting.AlertDispatcher;
import io.annexa.alerting.AlertEvent;
import io.annexa.alerting.AlertOutbox;
import io.annexa.alerting.AlertRouting;
import io.annexa.alerting.AlertSender;
import io.annexa.alerting.AlertStore;
import io.annexa.alerting.AlertSubject;
import io.annexa.alerting.DeliveryOutcome;
import io.annexa.alerting.DispatchSettings;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deliveries per second through the dispatcher: {@code events} alert events in the outbox, each in a group of its own
 * (group_by asset, group_wait 0s), so each becomes one delivery; the dispatcher runs its own thread from start until
 * every delivery is marked delivered. Two receivers: {@code http}, a webhook sender posting each notification's event
 * ids to a JDK HTTP server on 127.0.0.1 that answers 204 at once (the "fast local receiver"); {@code instant}, a sender
 * that answers Delivered without I/O, which leaves the dispatcher's own bookkeeping and the database.
 *
 * <p>{@code backlog}: how long a backlog takes to drain once the receiver is back. The HTTP receiver answers 503 while
 * the dispatcher makes the {@code events} into deliveries (each attempted and failed at least once, so all are pending
 * with a retry time); then it answers 204, and the clock runs from that switch until every delivery is delivered. The
 * retry schedule is {@code backlog-retry} (default 2s) repeated, so the drain includes up to one such wait.
 *
 * <pre>
 * mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
 * java -Xmx512m -cp target/test-classes:target/classes:$(cat target/bench.classpath) \
 *     io.annexa.bench.AlertDispatchBenchmark [h2|postgres|both] [events, 20000] [threads, 8] [rounds, 3] [http,instant]
 * java -Xmx1g -cp ... io.annexa.bench.AlertDispatchBenchmark h2 100000 8 1 backlog [backlog-retry, 2s]
 * </pre>
 */
public final class AlertDispatchBenchmark {

    private AlertDispatchBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<String> databases = args.length > 0 && !args[0].equals("both") ? List.of(args[0]) : List.of("h2", "postgres");
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        List<String> receivers = args.length > 4 ? List.of(args[4].split(",")) : List.of("http", "instant");
        Measure.quietLogs();
        System.out.println(Measure.jvm());
        AtomicLong received = new AtomicLong();
        AtomicInteger answer = new AtomicInteger(204);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.createContext("/hook", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
            }
            received.incrementAndGet();
            exchange.sendResponseHeaders(answer.get(), -1);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(4, Measure.daemonThreads()));
        server.start();
        URI hook = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        AlertSender http = (id, notification, receiver) -> {
            StringBuilder body = new StringBuilder("{\"id\":\"").append(id).append("\",\"events\":[");
            notification.events().forEach(e -> body.append('"').append(e.id()).append("\","));
            body.setLength(body.length() - 1);
            body.append("]}");
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(hook).timeout(Duration.ofSeconds(10))
                        .header("webhook-id", id).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                        HttpResponse.BodyHandlers.discarding());
                return response.statusCode() / 100 == 2 ? new DeliveryOutcome.Delivered(response.statusCode())
                        : new DeliveryOutcome.Retry("HTTP " + response.statusCode(), null);
            } catch (java.io.IOException e) {
                return new DeliveryOutcome.Retry(e.toString(), null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new DeliveryOutcome.Retry("interrupted", null);
            }
        };
        AlertSender instant = (id, notification, receiver) -> new DeliveryOutcome.Delivered(200);
        Path yaml = Files.createTempFile("annexa-alerts-bench", ".yml");
        Files.writeString(yaml, """
                route:
                  receiver: bench
                  group_by: [asset]
                  group_wait: 0s
                  group_interval: 1m
                  repeat_interval: 1h
                receivers:
                  - name: bench
                    webhook:
                      url: %s
                      secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                allow_private_targets: ["127.0.0.1/32"]
                """.formatted(hook));
        try {
            AlertRouting routing = AlertRouting.read(yaml, "config/alerts.yml");
            for (String kind : databases) {
                if (receivers.equals(List.of("backlog"))) {
                    Duration step = DispatchSettings.duration("backlog-retry", args.length > 5 ? args[5] : "2s");
                    for (int round = 0; round < rounds; round++) {
                        backlog(kind, events, threads, routing, http, answer, step);
                    }
                    continue;
                }
                for (String receiver : receivers) {
                    List<Double> rates = new ArrayList<>();
                    for (int round = 0; round < rounds; round++) {
                        rates.add(run(kind, events, threads, routing, receiver.equals("http") ? http : instant));
                    }
                    System.out.printf("%s, %s receiver, %,d deliveries, %d threads: %s deliveries/s, median %.0f%n", kind, receiver,
                            events, threads, rates.stream().map(r -> String.format("%.0f", r)).toList(), Measure.median(rates));
                }
            }
        } finally {
            server.stop(0);
            Files.deleteIfExists(yaml);
        }
        System.out.printf("the HTTP receiver answered %,d requests%n", received.get());
    }

    private static void backlog(String kind, int events, int threads, AlertRouting routing, AlertSender sender, AtomicInteger answer,
                                Duration step) throws Exception {
        try (BenchDatabase database = BenchDatabase.create(kind); AlertStore store = AlertStore.open(database.settings())) {
            record(new AlertOutbox(store, "http://localhost:8080"), events);
            // long enough that no delivery dies during the outage, however slowly the machine makes them
            List<Duration> schedule = java.util.Collections.nCopies(10_000, step);
            DispatchSettings settings = new DispatchSettings(schedule, Duration.ofDays(1), threads, Duration.ofMillis(200));
            answer.set(503);
            long start = System.nanoTime();
            try (AlertDispatcher dispatcher = new AlertDispatcher(store, () -> routing, Map.of(AlertDispatcher.WEBHOOK, sender), settings,
                    Clock.systemUTC(), Measure.daemonThreads())) {
                dispatcher.start();
                // every event made into a delivery, and every delivery refused at least once
                while (dispatcher.counts().notified() < events || dispatcher.counts().retried() < events) {
                    Thread.sleep(50);
                    if (Measure.millisSince(start) > 1_800_000) {
                        throw new IllegalStateException("backlog not built after 30 minutes: " + dispatcher.counts());
                    }
                }
                double building = Measure.millisSince(start) / 1000;
                AlertDispatcher.Counts before = dispatcher.counts();
                answer.set(204);
                long back = System.nanoTime();
                long firstDelivered = -1;
                while (dispatcher.counts().delivered() < events) {
                    Thread.sleep(20);
                    if (firstDelivered < 0 && dispatcher.counts().delivered() > 0) {
                        firstDelivered = System.nanoTime();
                    }
                    if (Measure.millisSince(back) > 1_800_000) {
                        throw new IllegalStateException("backlog not drained after 30 minutes: " + dispatcher.counts());
                    }
                }
                double drain = Measure.millisSince(back) / 1000;
                AlertDispatcher.Counts after = dispatcher.counts();
                System.out.printf("%s backlog: %,d deliveries made and refused (503) in %.1f s (%,d refusals); receiver back: first"
                                + " delivered after %.1f s, all %,d delivered after %.1f s (%.0f/s over the drain); %,d more refusals"
                                + " stored after the switch; retry step %s%n",
                        kind, events, building, before.retried(), (firstDelivered - back) / 1e9, events, drain, events / drain,
                        after.retried() - before.retried(), step);
            }
        }
    }

    private static void record(AlertOutbox outbox, int events) {
        Instant at = Instant.now();
        List<AlertEvent> batch = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            String asset = "host-" + i;
            batch.add(new AlertEvent(null, "nonconformity.opened", at, Map.of("asset", asset, "rule", "sshd_root_login_disabled"),
                    new AlertSubject((long) i, "sshd_root_login_disabled", "Root cannot log in over SSH", "8.5", "A.8.5",
                            List.of("6.1.3", "8.1"), "A.8.5", "major", "high", "open", asset, "ops", "PermitRootLogin yes",
                            at, at, "http://localhost:8080/api/nonconformities/" + i)));
            if (batch.size() == 1000) {
                outbox.record(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            outbox.record(batch);
        }
    }

    private static double run(String kind, int events, int threads, AlertRouting routing, AlertSender sender) throws Exception {
        try (BenchDatabase database = BenchDatabase.create(kind); AlertStore store = AlertStore.open(database.settings())) {
            record(new AlertOutbox(store, "http://localhost:8080"), events);
            DispatchSettings settings = new DispatchSettings(DispatchSettings.DEFAULT_SCHEDULE,
                    DispatchSettings.defaultMaxAge(DispatchSettings.DEFAULT_SCHEDULE), threads, Duration.ofMillis(200));
            long start = System.nanoTime();
            try (AlertDispatcher dispatcher = new AlertDispatcher(store, () -> routing, Map.of(AlertDispatcher.WEBHOOK, sender), settings,
                    Clock.systemUTC(), Measure.daemonThreads())) {
                dispatcher.start();
                while (dispatcher.counts().delivered() < events) {
                    Thread.sleep(20);
                    if (Measure.millisSince(start) > 600_000) {
                        throw new IllegalStateException("not done after 10 minutes: " + dispatcher.counts());
                    }
                }
                double seconds = Measure.millisSince(start) / 1000;
                long stored = store.deliveries(AlertStore.State.DELIVERED, null, 1).items().size();
                if (stored == 0) {
                    throw new IllegalStateException("no delivery stored as delivered");
                }
                return events / seconds;
            }
        }
    }
}
