package io.annexa.bench;

import io.annexa.alerting.AlertEvent;
import io.annexa.alerting.AlertGrouper;
import io.annexa.alerting.AlertRouting;
import io.annexa.alerting.AlertSubject;
import io.annexa.alerting.Notification;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Routing and grouping cost per alert event: the product's example routing (two child routes with regex matchers,
 * group_by asset), events {@code spacingMillis} apart in simulated time (what waits in groups grows with the rate:
 * at 1 ms apart, five minutes of group_interval hold 300,000 events) over {@code assets} hosts, {@code due()} and then
 * {@code nextDue()} asked every simulated second, as the dispatcher asks them after each of its rounds. Reported per
 * second of wall time and per second of the benchmark thread's CPU time (steadier on a shared machine). Every event has
 * its own nonconformity, so none is left out as a repeat.
 * <pre>
 * AlertGrouperBenchmark [events=1000000] [assets=10000] [rounds=5] [spacingMillis=100]
 * </pre>
 */
public final class AlertGrouperBenchmark {

    private static final String ROUTING = """
            receivers:
              - {name: secops, webhook: {url: 'https://hooks.example.org/annexa', secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}}
              - {name: isms-team, email: {to: [isms@example.org]}}
            route:
              receiver: isms-team
              group_by: [asset]
              group_wait: 30s
              group_interval: 5m
              repeat_interval: 24h
              routes:
                - matchers: ['grade = "major"', 'theme =~ "technological|organizational"']
                  receiver: secops
                  continue: true
                - matchers: ['event = "incident.detected"']
                  receiver: secops
                  group_wait: 0s
            """;

    private static final Instant START = Instant.parse("2026-12-04T00:00:00Z");
    private static final String[] GRADES = {"major", "minor", "observation"};
    private static final String[] THEMES = {"technological", "organizational", "people", "physical"};
    private static final String[] TYPES = {"nonconformity.opened", "nonconformity.escalated", "incident.detected", "nonconformity.resolved"};

    private static int spacing;

    private AlertGrouperBenchmark() {
    }

    /** Event i: spacing ms after event i-1, on one of the assets, with its own nonconformity. */
    private static AlertEvent event(int i, int assets) {
        String asset = "host-" + (i * 7919L % assets);
        String type = TYPES[i % TYPES.length];
        String grade = GRADES[i % 3];
        Instant at = START.plusMillis((long) i * spacing);
        return new AlertEvent("evt-" + i, type, at, Map.of("event", type, "grade", grade, "theme", THEMES[i % 4],
                "asset", asset, "control", "8.5", "rule", "sshd_root_login_disabled"),
                new AlertSubject((long) i, "sshd_root_login_disabled", "Root login disabled", "8.5", "A.8.5", List.of("9.1"),
                        "", grade, "high", "open", asset, "", "", at, at, ""));
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int assets = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        spacing = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        Path file = Files.createTempFile("alerts", ".yml");
        Files.writeString(file, ROUTING);
        AlertRouting routing = AlertRouting.read(file, "alerts.yml");
        Files.delete(file);

        // on a shared machine the wall clock measures the other builds too: the thread's CPU time says what is ours
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Double> rates = new ArrayList<>();
        List<Double> cpuRates = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            // events are made as they are fed (a million of them held at once would not fit the service's heap);
            // a pass that only makes them says how much of the time is theirs
            long begin = System.nanoTime();
            long beginCpu = threads.getCurrentThreadCpuTime();
            long sink = 0;
            for (int i = 0; i < events; i++) {
                sink += event(i, assets).labels().size();
            }
            double making = (System.nanoTime() - begin) / 1e9;
            double makingCpu = (threads.getCurrentThreadCpuTime() - beginCpu) / 1e9;

            AlertGrouper grouper = new AlertGrouper(routing);
            long notifications = 0;
            long notified = 0;
            int maxGroups = 0;
            begin = System.nanoTime();
            beginCpu = threads.getCurrentThreadCpuTime();
            Instant nextTick = START.plusSeconds(1);
            for (int i = 0; i < events; i++) {
                AlertEvent event = event(i, assets);
                if (!event.at().isBefore(nextTick)) {
                    for (Notification n : grouper.due(nextTick)) {
                        notifications++;
                        notified += n.events().size();
                    }
                    // the dispatcher sleeps until the next group is due: it asks after every round
                    sink += grouper.nextDue().isPresent() ? 1 : 0;
                    maxGroups = Math.max(maxGroups, grouper.groupCount());
                    nextTick = nextTick.plusSeconds(1);
                }
                grouper.add(event, event.at());
            }
            for (Notification n : grouper.due(nextTick.plusSeconds(3600))) {
                notifications++;
                notified += n.events().size();
            }
            double seconds = (System.nanoTime() - begin) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - beginCpu) / 1e9;
            double grouping = Math.max(seconds - making, 1e-9);
            double groupingCpu = Math.max(cpu - makingCpu, 1e-9);
            rates.add(events / grouping);
            cpuRates.add(events / groupingCpu);
            System.out.printf("round %d: %,d events in %.2f s (CPU %.2f s), of which %.2f s (CPU %.2f s) making them: %,.0f events/s"
                    + " routed and grouped, %,.0f per CPU second; %,d notifications carrying %,d events; at most %,d groups (%d)%n",
                    round + 1, events, seconds, cpu, making, makingCpu, events / grouping, events / groupingCpu, notifications, notified,
                    maxGroups, sink % 10);
        }
        System.out.printf("median %,.0f events/s, %,.0f per CPU second, over %d rounds (%,d events %d ms apart, %,d assets)%n",
                Measure.median(rates), Measure.median(cpuRates), rounds, events, spacing, assets);
    }
}
