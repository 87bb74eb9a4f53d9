package io.annexa.bench;

import io.annexa.ProjectFiles;
import io.annexa.cluster.AssetPartitioner;
import io.annexa.cluster.ClusterNode;
import io.annexa.cluster.ClusterSettings;
import io.annexa.cluster.ClusterTopics;
import io.annexa.cluster.EvidenceCodec;
import io.annexa.cluster.EvidenceCodecException;
import io.annexa.cluster.KafkaEvidencePublisher;
import io.annexa.cluster.RegisterClaims;
import io.annexa.evaluation.EventRetention;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.LogEvent;
import io.annexa.ingestion.ConfigParsers;
import io.annexa.it.kafka.ChildProcessKafka;
import io.annexa.register.ChangeJournal;
import io.annexa.register.NonconformityRegister;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.PartitionLeases;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.RegisterPolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The cluster mode end to end: a real KRaft broker in a child JVM, the register in a fresh PostgreSQL schema, the real
 * rule library, and 1, 2 or 3 instances in one consumer group, each run on topics and a register of its own.
 *
 * <p><b>Throughput</b>, for each instance count:
 * <ol>
 * <li>hosts: {@code hosts} hosts × 3 files (sshd_config, login.defs, sudoers, as {@link FleetBenchmark} makes them,
 *     parsed before the clock starts) published by three threads, one per kind as the inbox routes do, through the
 *     {@link KafkaEvidencePublisher} the service's sources use; then one sentinel host per partition whose root login
 *     is allowed. Measured from the first publish until every sentinel's nonconformity is in the register: each
 *     partition is read and evaluated in order, so by then every host before it is evaluated and reconciled.</li>
 * <li>events: {@code events} events of the OpenSSH corpus (real authentication failures, bursts, invalid users,
 *     logins) over {@code 8 × events / 1000} hosts, stamped now, handed over in batches of 1,000 as a followed log is;
 *     measured from the first publish until the group's committed offsets reach the end of every partition (an instance
 *     commits an offset only once the result holding its events is in the register).</li>
 * </ol>
 *
 * <p><b>Rebuild</b>: one partition holding {@code rebuildHosts} hosts (3 files each) and 30 minutes of events at
 * {@code rate} events/s, each record stamped with its events' time (so the instance reads back only the longest window
 * a rule counts in, as it would in service); one instance takes the partition (register empty: it opens every
 * nonconformity), then, once it stopped, another takes it over (register full: nothing should change). Measured from
 * the assignment (the take-over starts) to live (events read up to where they ended) and to everything recorded.
 *
 * <p>Instances run {@code inprocess} (ClusterNode in this JVM, each with its own connection pool) or {@code jvm}
 * (ClusterInstanceMain, each in a JVM of its own with {@code instanceJvm} options; needs that class on the test
 * class path). The rebuild runs in process: nothing else runs while it is measured.
 *
 * <pre>
 * java -Xmx1g -XX:+UseSerialGC -cp target/test-classes:target/classes:$(cat target/bench.classpath) \
 *     io.annexa.bench.ClusterBenchmark [throughput|rebuild|both, both] [instances, 1,2,3] [inprocess|jvm, jvm]
 *     [hosts, 2000] [events, 200000] [rebuildHosts, 1000] [rate, 50]
 * </pre>
 */
public final class ClusterBenchmark {

    private static final int PARTITIONS = ClusterSettings.DEFAULT_PARTITIONS;
    private static final String ROOT_LOGIN = "sshd_root_login_disabled";
    private static final int EVENTS_PER_BATCH = 1000;
    private static final Duration DEADLINE = Duration.ofMinutes(15);
    /** The launcher's defaults: what an instance of the service runs with. */
    private static final String INSTANCE_JVM = "-Xmx512m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    /** Held, or the logger and its level could be collected: the take-over's timings are logged there at INFO. */
    private static final Logger NODE_LOG = Logger.getLogger(ClusterNode.class.getName());

    private final ChildProcessKafka kafka;
    private final RuleLibrary library;
    private final SshCorpus corpus;
    private final String instanceMode;
    private final List<String> table = new ArrayList<>();

    private ClusterBenchmark(ChildProcessKafka kafka, RuleLibrary library, SshCorpus corpus, String instanceMode) {
        this.kafka = kafka;
        this.library = library;
        this.corpus = corpus;
        this.instanceMode = instanceMode;
    }

    public static void main(String[] args) throws Exception {
        String what = arg(args, 0, "both");
        int[] counts = Arrays.stream(arg(args, 1, "1,2,3").split(",")).mapToInt(Integer::parseInt).toArray();
        String mode = arg(args, 2, "jvm");
        int hosts = Integer.parseInt(arg(args, 3, "2000"));
        int events = Integer.parseInt(arg(args, 4, "200000"));
        int rebuildHosts = Integer.parseInt(arg(args, 5, "1000"));
        int rate = Integer.parseInt(arg(args, 6, "50"));
        Measure.quietLogs();
        System.out.println(Measure.jvm() + "; load " + load());
        // a stopped member's partitions move after 3 s instead of the broker's default 45 s
        ChildProcessKafka kafka = new ChildProcessKafka().withBrokerConfig(Map.of(
                "group.consumer.session.timeout.ms", "3000",
                "group.consumer.min.session.timeout.ms", "1000",
                "group.consumer.heartbeat.interval.ms", "1000",
                "group.consumer.min.heartbeat.interval.ms", "500"));
        long started = System.nanoTime();
        kafka.start();
        System.out.printf("broker (child JVM, -Xmx384m) up in %.1f s at %s%n", Measure.millisSince(started) / 1000, kafka.bootstrapServers());
        try {
            ClusterBenchmark bench = new ClusterBenchmark(kafka, BenchLibraries.load(ProjectFiles.rules()), new SshCorpus(), mode);
            if (!what.equals("rebuild")) {
                for (int count : counts) {
                    bench.throughput(count, hosts, events);
                }
            }
            if (!what.equals("throughput")) {
                bench.rebuild(rebuildHosts, rate);
            }
            System.out.println();
            bench.table.forEach(System.out::println);
        } finally {
            kafka.close();
        }
    }

    // ---- throughput ----

    private void throughput(int instanceCount, int hosts, int eventCount) throws Exception {
        System.out.printf("%n== %d instance(s), %s; load %s%n", instanceCount, instanceMode, load());
        if (table.isEmpty()) {
            table.add("| instances | hosts | published (publisher, 3 threads) | in the register | hosts/s | events | published | committed"
                    + " | events/s | hosts sent without waiting: in the register | hosts/s | load after |");
            table.add("|---|---|---|---|---|---|---|---|---|---|---|---|");
        }
        try (BenchDatabase database = BenchDatabase.create("postgres")) {
            String prefix = topics();
            List<Instance> instances = new ArrayList<>();
            try {
                long starting = System.nanoTime();
                for (int i = 1; i <= instanceCount; i++) {
                    instances.add(instanceMode.equals("jvm") ? new ChildInstance(database, prefix, "node-" + i)
                            : new InProcessInstance(database, prefix, "node-" + i, null));
                }
                await("the instances joined and split the partitions", () -> split(instances));
                System.out.printf("instances up, partitions split %s, in %.1f s%n", instances.stream()
                        .map(i -> i.id() + "=" + i.owned().size()).toList(), Measure.millisSince(starting) / 1000);

                List<Map<EvidenceKey, List<Object>>> byKind = fleet(hosts, i -> FleetBenchmark.asset(i), i -> i);
                String hostsRow;
                try (KafkaEvidencePublisher sources = publisher(prefix)) {
                    long first = System.nanoTime();
                    publishConcurrently(sources, byKind);
                    double published = Measure.millisSince(first) / 1000;
                    List<String> sentinels = publishSentinels(sources, "sentinel");
                    await("every sentinel's nonconformity in the register", () -> sentinelsRecorded(database, "sentinel") == sentinels.size());
                    double recorded = Measure.millisSince(first) / 1000;
                    System.out.printf("hosts: %,d hosts × 3 files published in %.1f s (%,.0f records/s), all in the register after"
                                    + " %.1f s: %,.0f hosts/s; %,d nonconformities; load %s%n", hosts, published,
                            hosts * 3 / published, recorded, hosts / recorded, count(database, "select count(*) from nonconformity"), load());
                    hostsRow = String.format("| %d | %,d | %.1f s | %.1f s | **%,.0f** |", instanceCount, hosts, published, recorded,
                            hosts / recorded);
                }

                try (KafkaEvidencePublisher sources = publisher(prefix)) {
                    int eventHosts = Math.max(10, eventCount / 1000 * 8);
                    EventMix mix = new EventMix(corpus, IntStream.range(0, eventHosts).mapToObj(i -> "auth-%05d.fleet.example.net".formatted(i))
                            .toList(), eventHosts / 8, 100);
                    long first = System.nanoTime();
                    List<LogEvent> batch = new ArrayList<>(EVENTS_PER_BATCH);
                    for (int j = 0; j < eventCount; j++) {
                        batch.add(mix.event(j, Instant.now()));
                        if (batch.size() == EVENTS_PER_BATCH || j == eventCount - 1) {
                            sources.events(batch);
                            batch = new ArrayList<>(EVENTS_PER_BATCH);
                        }
                    }
                    double published = Measure.millisSince(first) / 1000;
                    Map<TopicPartition, Long> ends = ends(prefix + ".events");
                    try (Admin admin = kafka.admin()) {
                        await("the group's offsets committed to the end", () -> committedToEnd(admin, prefix, ends));
                    }
                    double committed = Measure.millisSince(first) / 1000;
                    System.out.printf("events: %,d events on %,d hosts published in %.1f s (%,.0f events/s), committed to the end after"
                                    + " %.1f s: %,.0f events/s; %,d nonconformities; load %s%n", eventCount, eventHosts, published,
                            eventCount / published, committed, eventCount / committed,
                            count(database, "select count(*) from nonconformity"), load());
                    hostsRow += String.format(" %,d | %.1f s | %.1f s | **%,.0f** |", eventCount, published, committed, eventCount / committed);
                }

                List<Map<EvidenceKey, List<Object>>> more = fleet(hosts, i -> "pipe-" + FleetBenchmark.asset(i), i -> i);
                try (KafkaEvidencePublisher sources = publisher(prefix)) {
                    long first = System.nanoTime();
                    long records = publishPipelined(prefix, more);
                    double published = Measure.millisSince(first) / 1000;
                    List<String> sentinels = publishSentinels(sources, "late");
                    await("every late sentinel's nonconformity in the register", () -> sentinelsRecorded(database, "late") == sentinels.size());
                    double recorded = Measure.millisSince(first) / 1000;
                    System.out.printf("hosts, pipelined: %,d more hosts × 3 files (%,d records) sent without waiting per record in %.1f s,"
                                    + " all in the register after %.1f s: %,.0f hosts/s; load %s%n", hosts, records, published, recorded,
                            hosts / recorded, load());
                    table.add(hostsRow + String.format(" %.1f s | **%,.0f** | %s |", recorded, hosts / recorded, load()));
                }
            } finally {
                instances.forEach(Instance::close);
            }
        }
    }

    private boolean split(List<Instance> instances) {
        Set<Integer> owned = new HashSet<>();
        int total = 0;
        for (Instance instance : instances) {
            if (!instance.ready() || instance.owned().isEmpty()) {
                return false;
            }
            owned.addAll(instance.owned());
            total += instance.owned().size();
        }
        return owned.size() == PARTITIONS && total == PARTITIONS;
    }

    /** Three threads, one per kind, each handing its files over one by one as an inbox route does. */
    private static void publishConcurrently(KafkaEvidencePublisher sources, List<Map<EvidenceKey, List<Object>>> byKind) throws Exception {
        ExecutorService routes = Executors.newFixedThreadPool(byKind.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Map<EvidenceKey, List<Object>> kind : byKind) {
                done.add(routes.submit(() -> kind.forEach(sources::replace)));
            }
            for (Future<?> route : done) {
                route.get();
            }
        } finally {
            routes.shutdown();
        }
    }

    /** One host per partition, published after everything else: its nonconformity says the partition got that far. */
    private static List<String> sentinels(String prefix) {
        List<String> sentinels = new ArrayList<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            int n = 0;
            while (AssetPartitioner.partition(sentinel(prefix, partition, n), PARTITIONS) != partition) {
                n++;
            }
            sentinels.add(sentinel(prefix, partition, n));
        }
        return sentinels;
    }

    private static String sentinel(String prefix, int partition, int n) {
        return "%s-%02d-%d.bench.example.net".formatted(prefix, partition, n);
    }

    private static long sentinelsRecorded(BenchDatabase database, String prefix) {
        return count(database, "select count(*) from nonconformity where rule_id = '" + ROOT_LOGIN + "' and asset like '" + prefix + "-%'");
    }

    /** The sentinels' sshd_config, one per partition, after everything else. */
    private static List<String> publishSentinels(KafkaEvidencePublisher sources, String prefix) throws Exception {
        List<String> sentinels = sentinels(prefix);
        for (String sentinel : sentinels) {
            sources.replace(new EvidenceKey("sshd_config", sentinel, "inbox"), parse("sshd_config", sentinel, "PermitRootLogin yes\n"));
        }
        return sentinels;
    }

    /**
     * The same records as {@link KafkaEvidencePublisher#replace} makes (same key, partition, encoding and producer
     * settings), sent without waiting for each acknowledgement, one flush at the end: what the instances can take in
     * when the publisher is not what limits.
     */
    private long publishPipelined(String prefix, List<Map<EvidenceKey, List<Object>>> byKind) throws Exception {
        EvidenceCodec codec = new EvidenceCodec(ClusterTopics.MAX_RECORD_BYTES);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            long sent = 0;
            for (Map<EvidenceKey, List<Object>> kind : byKind) {
                for (Map.Entry<EvidenceKey, List<Object>> file : kind.entrySet()) {
                    EvidenceKey key = file.getKey();
                    producer.send(new ProducerRecord<>(prefix + ".evidence", AssetPartitioner.partition(key.asset(), PARTITIONS),
                            EvidenceCodec.recordKey(key), codec.facts(file.getValue())));
                    sent++;
                }
            }
            producer.flush();
            return sent;
        }
    }

    /** As the service's publisher is set up ({@code acks=all}, idempotent, lz4, 2 ms linger). */
    private KafkaProducer<String, byte[]> producer() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, ClusterTopics.MAX_RECORD_BYTES);
        return new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
    }

    // ---- rebuild ----

    private void rebuild(int hostCount, int rate) throws Exception {
        int partition = 1;
        Duration span = Duration.ofMinutes(30);
        System.out.printf("%n== rebuild: partition %d with %,d hosts and %d min of events at %d/s; load %s%n", partition, hostCount,
                span.toMinutes(), rate, load());
        try (BenchDatabase database = BenchDatabase.create("postgres")) {
            String prefix = topics();
            List<Integer> indexes = new ArrayList<>();
            for (int i = 0; indexes.size() < hostCount; i++) {
                if (AssetPartitioner.partition(FleetBenchmark.asset(i), PARTITIONS) == partition) {
                    indexes.add(i);
                }
            }
            List<String> hosts = indexes.stream().map(FleetBenchmark::asset).toList();
            try (KafkaEvidencePublisher sources = publisher(prefix)) {
                publishConcurrently(sources, fleet(hostCount, n -> FleetBenchmark.asset(indexes.get(n)), indexes::get));
            }
            long events = publishTimedEvents(prefix, new EventMix(corpus, hosts, 20, 100), span, rate);
            TopicPartition eventsPartition = new TopicPartition(prefix + ".events", partition);
            long end = ends(prefix + ".events").get(eventsPartition);
            System.out.printf("published: %,d evidence records, %,d events in %,d records; longest window %s%n", hostCount * 3L, events,
                    end, ClusterNode.longestWindow(library));

            List<String> takeOvers = new CopyOnWriteArrayList<>();
            Handler handler = new Handler() {
                @Override
                public void publish(LogRecord record) {
                    String message = record.getMessage();
                    if (message != null && message.startsWith("partition " + partition + " taken over")) {
                        takeOvers.add(message);
                    }
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            NODE_LOG.setLevel(Level.INFO);
            NODE_LOG.addHandler(handler);
            try {
                for (String owner : List.of("first owner, register empty", "take-over, register full")) {
                    List<NonconformityRegister.Change> changes = new CopyOnWriteArrayList<>();
                    InProcessInstance instance = new InProcessInstance(database, prefix, owner.startsWith("first") ? "node-a" : "node-b",
                            changes);
                    try {
                        PartitionTimes times = watch(instance.node, partition, end);
                        System.out.printf("%s: assigned → live %.1f s, → everything in the register %.1f s; %s; register changes: %s;"
                                        + " %,d nonconformities; load %s%n", owner, times.live(), times.recorded(),
                                takeOvers.isEmpty() ? "" : takeOvers.get(takeOvers.size() - 1).replace("\n", " "), kinds(changes),
                                count(database, "select count(*) from nonconformity"), load());
                        table.add(String.format("| rebuild, %s | %,d hosts, %,d events (%d min at %d/s) | %.1f s | %.1f s | %s |", owner,
                                hostCount, events, span.toMinutes(), rate, times.live(), times.recorded(), load()));
                    } finally {
                        instance.close();
                    }
                }
            } finally {
                NODE_LOG.removeHandler(handler);
                NODE_LOG.setLevel(null);
            }
        }
    }

    private record PartitionTimes(double live, double recorded) {
    }

    /** Watches the node from the moment the partition is assigned to it (the take-over starts) until it is recorded to {@code end}. */
    private static PartitionTimes watch(ClusterNode node, int partition, long end) {
        Instant[] assigned = new Instant[1];
        await("partition " + partition + " assigned", () -> node.partitions().stream().filter(p -> p.partition() == partition)
                .findFirst().map(p -> assigned[0] = p.since()).isPresent());
        Instant[] live = new Instant[1];
        await("partition " + partition + " live", () -> node.partitions().stream()
                .filter(p -> p.partition() == partition && p.state().equals("live")).findFirst().map(p -> live[0] = p.since()).isPresent());
        await("partition " + partition + " recorded to its end", () -> node.recordedUpTo(partition) >= end);
        Instant recorded = Instant.now();
        return new PartitionTimes(Duration.between(assigned[0], live[0]).toMillis() / 1000.0,
                Duration.between(assigned[0], recorded).toMillis() / 1000.0);
    }

    /**
     * {@code span} of events at {@code rate} per second ending now, one record per asset and second, each stamped with
     * that second as a source publishing as they happen would have stamped it.
     */
    private long publishTimedEvents(String prefix, EventMix mix, Duration span, int rate) throws Exception {
        EvidenceCodec codec = new EvidenceCodec(ClusterTopics.MAX_RECORD_BYTES);
        Instant start = Instant.now().minus(span);
        long total = span.toSeconds() * rate;
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (long second = 0; second < span.toSeconds(); second++) {
                Instant at = start.plusSeconds(second);
                Map<String, List<LogEvent>> byAsset = new HashMap<>();
                for (long j = second * rate; j < (second + 1) * rate; j++) {
                    LogEvent event = mix.event(j, at.plusMillis((j % rate) * 1000 / rate));
                    byAsset.computeIfAbsent(event.getAsset(), a -> new ArrayList<>()).add(event);
                }
                for (Map.Entry<String, List<LogEvent>> asset : byAsset.entrySet()) {
                    producer.send(new ProducerRecord<>(prefix + ".events", AssetPartitioner.partition(asset.getKey(), PARTITIONS),
                            at.toEpochMilli(), asset.getKey(), codec.events(asset.getValue())));
                }
            }
            producer.flush();
        } catch (EvidenceCodecException e) {
            throw new IllegalStateException(e);
        }
        return total;
    }

    // ---- instances ----

    private interface Instance extends AutoCloseable {
        String id();

        boolean ready();

        Set<Integer> owned();

        @Override
        void close();
    }

    /** A ClusterNode in this JVM, wired as the service wires it, with a connection pool of its own. */
    private final class InProcessInstance implements Instance {
        final ClusterNode node;
        private final NonconformityRepository repository;

        InProcessInstance(BenchDatabase database, String prefix, String id, List<NonconformityRegister.Change> changes) {
            repository = NonconformityRepository.open(database.settings());
            RegisterClaims claims = new RegisterClaims(new PartitionLeases(repository, Clock.systemUTC()), id, PARTITIONS,
                    scope -> new NonconformityRegister(repository, RegisterPolicy.defaults(), AssetInventory.empty(), Clock.systemUTC(),
                            ChangeJournal.NONE, scope),
                    recorded -> {
                if (changes != null) {
                    changes.addAll(recorded);
                }
            });
            node = new ClusterNode(new ClusterSettings(kafka.bootstrapServers(), prefix, PARTITIONS, id), library, claims,
                    new EvidenceCodec(ClusterTopics.MAX_RECORD_BYTES), Measure.daemonThreads(), EventRetention.DEFAULT,
                    20_000, 50_000);
            node.start();
        }

        @Override
        public String id() {
            return node.instanceId();
        }

        @Override
        public boolean ready() {
            return node.ready();
        }

        @Override
        public Set<Integer> owned() {
            return node.partitions().stream().map(ClusterNode.PartitionStatus::partition).collect(Collectors.toSet());
        }

        @Override
        public void close() {
            node.close();
            repository.close();
        }
    }

    /**
     * {@code io.annexa.cluster.ClusterInstanceMain} in a JVM of its own, run from the project's folder (its rules and
     * configuration), its status lines read from its output, stopped by closing its input.
     */
    private final class ChildInstance implements Instance {
        private static final String MAIN = "io.annexa.cluster.ClusterInstanceMain";
        private final String id;
        private final Process process;
        private final Map<String, String> status = new ConcurrentHashMap<>();

        ChildInstance(BenchDatabase database, String prefix, String id) throws IOException {
            try {
                Class.forName(MAIN, false, ClusterBenchmark.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(MAIN + " is not on the class path: run with 'inprocess'", e);
            }
            this.id = id;
            Path directory = Files.createDirectories(ProjectFiles.root().resolve("target/cluster-bench"));
            // one file per instance: a JVM starting reads it while the next instance is launched
            Path argumentFile = directory.resolve(id + ".classpath.args");
            Files.writeString(argumentFile, "-cp \"" + System.getProperty("java.class.path") + "\"\n", StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(Arrays.asList(System.getProperty("annexa.bench.instance-jvm", INSTANCE_JVM).split(" ")));
            command.addAll(List.of("-Dannexa.kafka.bootstrap-servers=" + kafka.bootstrapServers(), "-Dannexa.kafka.topic-prefix=" + prefix,
                    "-Dannexa.kafka.partitions=" + PARTITIONS, "-Dannexa.instance.id=" + id,
                    "-Dannexa.db.url=" + database.settings().url(), "-Dannexa.db.user=" + database.settings().user(),
                    "-Dannexa.db.password=" + database.settings().password(), "@" + argumentFile, MAIN));
            process = new ProcessBuilder(command).directory(ProjectFiles.root().toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(directory.resolve(id + ".log").toFile())).start();
            Thread reader = new Thread(this::readStatus, "status-" + id);
            reader.setDaemon(true);
            reader.start();
        }

        /** {@code annexa-instance id=node-a running=true ready=true owned=0,1,2 rebuilding=} */
        private void readStatus() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("annexa-instance ")) {
                        for (String field : line.substring("annexa-instance ".length()).split(" ")) {
                            int equals = field.indexOf('=');
                            if (equals > 0) {
                                status.put(field.substring(0, equals), field.substring(equals + 1));
                            }
                        }
                    }
                }
            } catch (IOException e) {
                status.put("running", "false");
            }
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public boolean ready() {
            if (!process.isAlive()) {
                throw new IllegalStateException("instance " + id + " exited with " + process.exitValue() + "; see target/cluster-bench/"
                        + id + ".log");
            }
            return "true".equals(status.get("ready"));
        }

        @Override
        public Set<Integer> owned() {
            String owned = status.getOrDefault("owned", "");
            return owned.isEmpty() ? Set.of() : Arrays.stream(owned.split(",")).map(Integer::valueOf).collect(Collectors.toSet());
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    // ---- what is published ----

    /**
     * Authentication traffic as a log relay hands it over: {@code streams} attacks at once, each replaying the OpenSSH
     * corpus in order against one host for {@code perHost} events, then moving to another; so every host sees real
     * bursts, and a batch spans many hosts (and every partition).
     */
    private record EventMix(SshCorpus corpus, List<String> hosts, int streams, int perHost) {
        LogEvent event(long j, Instant at) {
            long stream = j % streams;
            long position = j / streams;
            String host = hosts.get((int) ((stream + streams * (position / perHost)) % hosts.size()));
            List<LogEvent> templates = corpus.events();
            LogEvent template = templates.get((int) ((stream * 97 + position) % templates.size()));
            return SshCorpus.copy(template, at, host);
        }
    }

    /** The fleet's files, parsed, by kind: {@code hosts} hosts, the n-th named {@code asset(n)} with the contents of host {@code variant(n)}. */
    private static List<Map<EvidenceKey, List<Object>>> fleet(int hosts, java.util.function.IntFunction<String> asset,
                                                              java.util.function.IntUnaryOperator variant) throws Exception {
        List<Map<EvidenceKey, List<Object>>> byKind = new ArrayList<>();
        for (String kind : FleetBenchmark.KINDS) {
            Map<EvidenceKey, List<Object>> files = new java.util.LinkedHashMap<>();
            for (int n = 0; n < hosts; n++) {
                String name = asset.apply(n);
                files.put(new EvidenceKey(kind, name, "inbox"), parse(kind, name, FleetBenchmark.content(kind, variant.applyAsInt(n))));
            }
            byKind.add(files);
        }
        return byKind;
    }

    private static final Path PARSED = tempDirectory();

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("annexa-cluster-bench");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Object> parse(String kind, String asset, String content) throws Exception {
        Path file = Files.writeString(PARSED.resolve(kind), content, StandardCharsets.UTF_8);
        return ConfigParsers.forSource(kind).orElseThrow().parse(file, asset, Instant.now()).facts();
    }

    // ---- Kafka and the register ----

    /** Fresh topics for one run, made as the service makes them. */
    private String topics() {
        String prefix = "bench" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = kafka.admin()) {
            ClusterTopics.ensure(admin, new ClusterSettings(kafka.bootstrapServers(), prefix, PARTITIONS, "bench"), Duration.ofDays(1));
        }
        return prefix;
    }

    private KafkaEvidencePublisher publisher(String prefix) {
        return new KafkaEvidencePublisher(new ClusterSettings(kafka.bootstrapServers(), prefix, PARTITIONS, "bench-sources"), PARTITIONS,
                new EvidenceCodec(ClusterTopics.MAX_RECORD_BYTES));
    }

    private Map<TopicPartition, Long> ends(String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            IntStream.range(0, PARTITIONS).forEach(p -> latest.put(new TopicPartition(topic, p), OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
            return ends;
        }
    }

    private static boolean committedToEnd(Admin admin, String prefix, Map<TopicPartition, Long> ends) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(prefix + ".evaluation")
                    .partitionsToOffsetAndMetadata().get();
            return ends.entrySet().stream().allMatch(end -> end.getValue() == 0
                    || committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() >= end.getValue());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    private static long count(BenchDatabase database, String sql) {
        try (Connection connection = database.connect(); PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** What the register changed, by kind and rule: {@code UPDATED ssh_brute_force_detected=12}. */
    private static String kinds(List<NonconformityRegister.Change> changes) {
        Map<String, Long> counts = changes.stream().collect(Collectors.groupingBy(
                change -> change.kind() + " " + change.nonconformity().getRuleId(), java.util.TreeMap::new, Collectors.counting()));
        return counts.isEmpty() ? "none" : counts.toString();
    }

    private static void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not done after " + DEADLINE.toMinutes() + " minutes: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static String load() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String arg(String[] args, int index, String otherwise) {
        return args.length > index ? args[index] : otherwise;
    }
}
