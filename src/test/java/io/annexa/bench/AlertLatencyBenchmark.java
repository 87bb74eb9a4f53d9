package io.annexa.bench;

import com.sun.net.httpserver.HttpServer;
import io.annexa.ProjectFiles;
import io.annexa.alerting.AlertDispatcher;
import io.annexa.alerting.AlertOutbox;
import io.annexa.alerting.AlertRouting;
import io.annexa.alerting.AlertStore;
import io.annexa.alerting.DispatchSettings;
import io.annexa.alerting.WebhookSender;
import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.ingestion.SourceMonitor;
import io.annexa.ingestion.SourceRuntime;
import io.annexa.register.NonconformityRegister;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.RegisterPolicy;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Latency from a syslog line to the webhook that announces it, through what the service wires: the {@code syslog-tcp}
 * route of {@code integrations/syslog.camel.yaml}, the real rule library in an {@link EvaluationEngine}, the
 * {@link NonconformityRegister} with the {@link AlertOutbox} as its journal, and the {@link AlertDispatcher} with a real
 * {@link WebhookSender} (Standard Webhooks, signed) posting to a JDK HTTP server on 127.0.0.1, allow-listed by
 * {@code allow_private_targets: ["127.0.0.1/32"]}. The dispatcher's settings are those of config/annexa.properties
 * (poll interval, threads, retry schedule), as the service reads them.
 *
 * <p>Each incident is an SSH brute-force burst on its own host ({@code ssh_brute_force_detected}: 5 failures from one
 * source within 10 minutes; the loopback sender is trusted for every host name, so the syslog host name is the asset,
 * and the register opens one nonconformity per rule and asset). The first four failures of a host are sent, then the
 * fifth, which crosses the threshold, and its send time is stamped; the clock stops when the receiver gets the webhook
 * naming that host. Route: group_by asset, group_wait 0s. Incidents are paced {@code gap} ms apart, so each latency is
 * the pipeline's and not a queue's. Besides the three latencies (line to webhook, line to opened, opened to webhook) it
 * prints how long the register's reconciliation of each evaluation cycle took, which runs on the evaluation thread and
 * so delays every line behind it.
 *
 * <pre>
 * mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
 * java -Xmx1g -cp target/test-classes:target/classes:$(cat target/bench.classpath) \
 *     io.annexa.bench.AlertLatencyBenchmark [h2|postgres, h2] [incidents, 1000] [gap ms, 20] [wake|poll, wake]
 * </pre>
 */
public final class AlertLatencyBenchmark {

    private static final Pattern ASSET = Pattern.compile("latency-host-(\\d{5})");
    private static final DateTimeFormatter SYSLOG_TIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);

    private AlertLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "h2";
        int incidents = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        long gapMillis = args.length > 2 ? Long.parseLong(args[2]) : 20;
        // as AnnexaService does once the register has committed changes; "poll" leaves the dispatcher to its poll interval
        boolean wake = args.length <= 3 || !args[3].equals("poll");
        Measure.quietLogs();
        System.out.println(Measure.jvm());

        long[] sent = new long[incidents];
        long[] received = new long[incidents];
        long[] opened = new long[incidents];
        Map<String, Boolean> webhookIds = new ConcurrentHashMap<>();
        // each evaluation cycle's reconciliation: milliseconds, changes
        List<double[]> cycles = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.createContext("/hook", exchange -> {
            long now = System.nanoTime();
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (webhookIds.putIfAbsent(String.valueOf(exchange.getRequestHeaders().getFirst("webhook-id")), true) == null) {
                Matcher m = ASSET.matcher(body);
                while (m.find()) {
                    int i = Integer.parseInt(m.group(1));
                    synchronized (received) {
                        if (i < incidents && received[i] == 0) {
                            received[i] = now;
                        }
                    }
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(4, Measure.daemonThreads()));
        server.start();
        Path data = Files.createTempDirectory("annexa-alert-latency");
        Path yaml = data.resolve("alerts.yml");
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
                      url: http://127.0.0.1:%d/hook
                      secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                allow_private_targets: ["127.0.0.1/32"]
                """.formatted(server.getAddress().getPort()));
        Properties config = new Properties();
        try (InputStream in = Files.newInputStream(ProjectFiles.root().resolve("config/annexa.properties"))) {
            config.load(in);
        }
        DispatchSettings dispatch = DispatchSettings.parse(config.getProperty("annexa.alerts.retry-schedule"),
                config.getProperty("annexa.alerts.max-age"), config.getProperty("annexa.alerts.dispatch-threads"),
                config.getProperty("annexa.alerts.poll-interval"));
        Duration timeout = DispatchSettings.duration("annexa.alerts.webhook-timeout", config.getProperty("annexa.alerts.webhook-timeout"));
        RuleLibrary library = BenchLibraries.load(ProjectFiles.rules());
        int port = SyslogTcpBenchmark.freePort();
        try (BenchDatabase database = BenchDatabase.create(kind);
             AlertStore store = AlertStore.open(database.settings());
             NonconformityRepository repository = NonconformityRepository.open(database.settings())) {
            AlertRouting routing = AlertRouting.read(yaml, "config/alerts.yml");
            AtomicReference<AlertDispatcher> woken = new AtomicReference<>();
            AlertOutbox outbox = new AlertOutbox(store, "http://localhost:8080");
            if (wake) {
                // as the service does: woken as the alert events commit
                outbox.onCommitted(() -> woken.get().wakeUp());
            }
            NonconformityRegister register = new NonconformityRegister(repository, RegisterPolicy.defaults(), AssetInventory.empty(),
                    Clock.systemUTC(), outbox);
            AtomicReference<EvaluationEngine> self = new AtomicReference<>();
            try (AlertDispatcher dispatcher = new AlertDispatcher(store, () -> routing,
                    Map.of(AlertDispatcher.WEBHOOK, new WebhookSender(routing.targetPolicy(), Clock.systemUTC(), timeout)), dispatch,
                    Clock.systemUTC(), Measure.daemonThreads());
                 EvaluationEngine engine = new EvaluationEngine(library,
                         result -> {
                             long reconciling = System.nanoTime();
                             List<NonconformityRegister.Change> changes = register.reconcile(result, id -> self.get().library().enabledRule(id));
                             cycles.add(new double[] {(System.nanoTime() - reconciling) / 1e6, changes.size()});
                             stampOpened(changes, opened);
                         },
                         Measure.daemonThreads(),
                         Integer.parseInt(config.getProperty("annexa.engine.max-pending-events")));
                 SourceRuntime routes = SyslogTcpBenchmark.syslogOnly(data, port, engine, new SourceMonitor(), Map.of())) {
                self.set(engine);
                woken.set(dispatcher);
                dispatcher.start();
                routes.start();
                System.out.printf("%s, %,d incidents %d ms apart, dispatcher %s, %s; load average %.1f%n", kind, incidents, gapMillis,
                        dispatch, wake ? "woken when the register commits changes" : "left to its poll interval", loadAverage());
                try (Socket socket = new Socket("127.0.0.1", port); OutputStream out = socket.getOutputStream()) {
                    socket.setTcpNoDelay(true);
                    long next = System.nanoTime();
                    for (int i = 0; i < incidents; i++) {
                        String host = "latency-host-%05d".formatted(i);
                        String source = "10.%d.%d.7".formatted(i / 250, i % 250);
                        StringBuilder burst = new StringBuilder();
                        for (int n = 0; n < 4; n++) {
                            burst.append(line(host, source, n));
                        }
                        out.write(burst.toString().getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        byte[] crossing = line(host, source, 4).getBytes(StandardCharsets.UTF_8);
                        sent[i] = System.nanoTime();
                        out.write(crossing);
                        out.flush();
                        next += gapMillis * 1_000_000;
                        LockSupport.parkNanos(next - System.nanoTime());
                    }
                }
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (missing(received) > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                report("syslog line to webhook", sent, received, dispatcher.counts());
                report("syslog line to nonconformity opened (its alert event committed)", sent, opened, null);
                report("nonconformity opened to webhook", opened, received, null);
                reportCycles(cycles);
                System.out.printf("load average at the end %.1f%n", loadAverage());
            }
        } finally {
            server.stop(0);
        }
    }

    /** When the register committed the opening, and so its alert event: the part before the dispatcher. */
    private static void stampOpened(List<NonconformityRegister.Change> changes, long[] opened) {
        long now = System.nanoTime();
        for (NonconformityRegister.Change change : changes) {
            Matcher m = ASSET.matcher(String.valueOf(change.nonconformity().getAsset()));
            if (change.kind() == NonconformityRegister.ChangeKind.OPENED && m.matches()) {
                int i = Integer.parseInt(m.group(1));
                synchronized (opened) {
                    if (i < opened.length && opened[i] == 0) {
                        opened[i] = now;
                    }
                }
            }
        }
    }

    private static String line(String host, String source, int n) {
        return "<38>" + ZonedDateTime.now().format(SYSLOG_TIME) + " " + host + " sshd[" + (4000 + n) + "]: Failed password for root from "
                + source + " port " + (40000 + n) + " ssh2\n";
    }

    private static int missing(long[] received) {
        synchronized (received) {
            return (int) Arrays.stream(received).filter(r -> r == 0).count();
        }
    }

    private static void report(String what, long[] sent, long[] received, AlertDispatcher.Counts counts) {
        double[] millis;
        int lost;
        synchronized (received) {
            lost = (int) java.util.stream.IntStream.range(0, sent.length).filter(i -> received[i] == 0 || sent[i] == 0).count();
            millis = new double[sent.length - lost];
            int k = 0;
            for (int i = 0; i < sent.length; i++) {
                if (received[i] != 0 && sent[i] != 0) {
                    millis[k++] = (received[i] - sent[i]) / 1e6;
                }
            }
        }
        Arrays.sort(millis);
        if (millis.length == 0) {
            System.out.printf("%s: none arrived; dispatcher %s%n", what, counts);
            return;
        }
        System.out.printf("%s, %,d incidents (%d not measured: nothing within 5 minutes): p50 %.0f ms, p90 %.0f ms,"
                        + " p99 %.0f ms, max %.0f ms, min %.0f ms%s%n", what, sent.length, lost, pct(millis, 50), pct(millis, 90),
                pct(millis, 99), millis[millis.length - 1], millis[0], counts == null ? "" : "; dispatcher " + counts);
    }

    /** Where line to opened goes: the register's reconciliation of each evaluation cycle, on the evaluation thread. */
    private static void reportCycles(List<double[]> cycles) {
        double[] millis;
        double changes;
        synchronized (cycles) {
            millis = cycles.stream().mapToDouble(c -> c[0]).sorted().toArray();
            changes = cycles.stream().mapToDouble(c -> c[1]).sum();
        }
        if (millis.length == 0) {
            return;
        }
        System.out.printf("register reconciliation per evaluation cycle, %,d cycles with %,.0f changes: p50 %.1f ms, p90 %.1f ms,"
                + " p99 %.1f ms, max %.1f ms, total %.1f s%n", millis.length, changes, pct(millis, 50), pct(millis, 90), pct(millis, 99),
                millis[millis.length - 1], Arrays.stream(millis).sum() / 1000);
    }

    /** The machine's one-minute load average: on a shared machine, what the other processes took from this run. */
    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static double pct(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
