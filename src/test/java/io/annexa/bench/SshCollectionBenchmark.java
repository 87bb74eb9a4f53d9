package io.annexa.bench;

import io.annexa.ProjectFiles;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceSink;
import io.annexa.ingestion.ssh.Collector;
import io.annexa.ingestion.ssh.HostInventory;
import io.annexa.ingestion.ssh.HostInventory.Host;
import io.annexa.ingestion.ssh.HostInventory.KeyFile;
import io.annexa.ingestion.ssh.SnapshotLimits;
import io.annexa.ingestion.ssh.SshCollection;
import io.annexa.ingestion.ssh.TestKeys;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * Many hosts collected over SSH at once: the real {@link SshCollection} (its bounded pool, one MINA SSHD client, the
 * include-following fetch, {@code sshd -T} and {@code auditctl -l}, staging and publishing into the inbox) against the
 * tests' embedded SSH server serving the stock Debian 12 layout, run in a process of its own so that the numbers are
 * the collector's. Every host is a different asset on the same server (one server, many names). Each round starts a
 * fresh collection, so every host is due at once, and waits until each has been collected.
 *
 * <p>Measured per round: wall time from the tick to the last host's snapshot; the collector's process CPU time over the
 * round (as a share of one core); the largest resident set size (VmRSS, sampled every 100 ms); and the server
 * process's CPU time, from {@code /proc/<pid>/stat}.
 *
 * <pre>
 * mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
 * java -Xmx512m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
 *     -cp target/test-classes:target/classes:$(cat target/bench.classpath) \
 *     io.annexa.bench.SshCollectionBenchmark [hosts, 200] [pool size, 8 = the default] [rounds, 3]
 * </pre>
 */
public final class SshCollectionBenchmark {

    /** Held, or the loggers and their levels could be collected: MINA SSHD reports every session at INFO. */
    private static final Logger SSHD = Logger.getLogger("org.apache.sshd");
    private static final Logger COLLECTION = Logger.getLogger("io.annexa");

    private SshCollectionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int pool = args.length > 1 ? Integer.parseInt(args[1]) : SshCollection.DEFAULT_POOL_SIZE;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        SSHD.setLevel(Level.WARNING);
        COLLECTION.setLevel(Level.WARNING);

        Path work = Files.createTempDirectory("annexa-ssh-bench");
        KeyPair user = TestKeys.ed25519();
        Path key = TestKeys.write(user, work.resolve("id_ed25519"), null);
        Path publicKey = Files.writeString(work.resolve("id_ed25519.pub"), PublicKeyEntry.toString(user.getPublic()));
        Path knownHosts = work.resolve("known_hosts");
        Path layout = ProjectFiles.root().resolve("src/test/resources/ssh/debian12");
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), SshServerProcess.class.getName(),
                layout.toString(), layout.toString(), publicKey.toString(), knownHosts.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(work.resolve("server.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(knownHosts)) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the SSH server did not start: " + Files.readString(work.resolve("server.log")));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            int port = Integer.parseInt(Files.readString(knownHosts).replaceAll("(?s)^\\[127\\.0\\.0\\.1]:(\\d+) .*", "$1"));
            List<Host> inventory = new ArrayList<>();
            for (int i = 0; i < hosts; i++) {
                inventory.add(new Host(String.format("bench-%05d", i), "127.0.0.1", port, "annexa", new KeyFile(key, null), knownHosts,
                        Optional.empty(), EnumSet.allOf(Collector.class), Duration.ofHours(1), Duration.ofSeconds(120),
                        Duration.ofHours(2)));
            }
            System.out.printf("%d hosts, pool %d, %d rounds; JVM %s, max heap %.0f MB, %d cores; load average %.1f%n", hosts, pool,
                    rounds, System.getProperty("java.version"), Runtime.getRuntime().maxMemory() / 1048576.0,
                    Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            RssSampler rss = new RssSampler();
            rss.start();
            for (int round = 1; round <= rounds; round++) {
                Failures failures = new Failures();
                rss.reset();
                long serverCpuBefore = cpuTicks(server.pid());
                long cpuBefore = cpuNanos();
                long started = System.nanoTime();
                java.time.Instant roundStart = java.time.Instant.now();
                try (SshCollection collection = new SshCollection(failures, work.resolve("data/inbox/hosts"),
                        work.resolve("data/staging/hosts"), pool, Duration.ofMinutes(5), SnapshotLimits.DEFAULT,
                        System::getenv, Clock.systemUTC())) {
                    collection.useInventory(() -> new HostInventory(inventory));
                    collection.tick();
                    // a fresh collection knows the snapshots published before: count only this round's
                    while (collected(collection, roundStart) + failures.count.get() < hosts) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                    }
                    double seconds = (System.nanoTime() - started) / 1e9;
                    double cpu = (cpuNanos() - cpuBefore) / 1e9;
                    double serverCpu = (cpuTicks(server.pid()) - serverCpuBefore) / 100.0;
                    System.out.printf("round %d: %d collected, %d failed in %.2f s (%.1f hosts/s); collector CPU %.2f s (%.0f %% of"
                                    + " a core), max RSS %.0f MB; server CPU %.2f s; load average %.1f%n", round,
                            collected(collection, roundStart), failures.count.get(), seconds, hosts / seconds, cpu,
                            100 * cpu / seconds, rss.maxMb(), serverCpu,
                            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                    if (failures.count.get() > 0) {
                        System.out.println("  first failure: " + failures.first);
                    }
                }
            }
            rss.stop();
        } finally {
            server.getOutputStream().close();
            server.destroy();
            server.waitFor();
            try (Stream<Path> files = Files.walk(work)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static long collected(SshCollection collection, java.time.Instant since) {
        return collection.lastSuccesses().values().stream().filter(at -> !at.isBefore(since)).count();
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** utime + stime of a process in clock ticks (100 per second on Linux). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Counts the failures the collection reports; successes are its own. */
    private static final class Failures implements EvidenceSink {
        final AtomicLong count = new AtomicLong();
        volatile Object first;

        @Override
        public void replace(EvidenceKey key, List<Object> facts) {
            if (!facts.isEmpty()) {
                if (first == null) {
                    first = facts.get(0);
                }
                count.incrementAndGet();
            }
        }

        @Override
        public void withdraw(EvidenceKey key) {
        }

        @Override
        public void events(List<?> events) {
        }
    }

    /** The process's resident set size, from /proc/self/status, every 100 ms on a daemon thread. */
    private static final class RssSampler {
        private volatile long maxKb;
        private volatile boolean running = true;

        void start() {
            Thread thread = new Thread(this::sample, "rss-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            running = false;
        }

        void reset() {
            maxKb = 0;
        }

        double maxMb() {
            return maxKb / 1024.0;
        }

        private void sample() {
            while (running) {
                try {
                    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                        if (line.startsWith("VmRSS:")) {
                            maxKb = Math.max(maxKb, Long.parseLong(line.replaceAll("[^0-9]", "")));
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }
}
