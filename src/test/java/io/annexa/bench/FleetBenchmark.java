package io.annexa.bench;

import io.annexa.ProjectFiles;
import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.EvaluationResult;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evidence.EvidenceScope;
import io.annexa.ingestion.IsolatedSources;
import io.annexa.register.NonconformityRegister;
import io.annexa.register.NonconformityRegister.Change;
import io.annexa.register.NonconformityRegister.ChangeKind;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.RegisterPolicy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A fleet's configuration dropped into the inbox at once, through the service's wiring: the real routes of
 * {@code integrations/} on the shipped defaults (inbox polled every 2 s; this machine's own files and the samples
 * off), the real rule library in an {@link EvaluationEngine}, and the {@link NonconformityRegister} on H2 or
 * PostgreSQL, as {@code AnnexaService} wires them.
 *
 * <p>{@code hosts} hosts × 3 files ({@code sshd_config}, {@code login.defs}, {@code sudoers}), each named after its host
 * (the file name is the asset). Contents are the rules' own test scenarios and the bundled samples, with a few settings
 * varied per host so that some hosts have findings. Measured:
 * <ol>
 * <li><b>intake</b>: from the last file landing (renamed into the inbox) until every (kind, host) has been evaluated
 *     and the result reconciled into the register;</li>
 * <li><b>idle</b>: process CPU time over {@code idle} seconds while nothing changes (and how many files were read in
 *     that time: none is the point);</li>
 * <li><b>one change</b>: one host's sshd_config rewritten with root login allowed, until its nonconformity opens;</li>
 * <li><b>restart</b>: routes, engine and register stopped and started again over the same data directory and database,
 *     with one file changed while down: when that change reaches the register, when every file has been read again,
 *     and what the register did meanwhile (nothing should resolve or reopen);</li>
 * <li>the largest resident set size (VmRSS) seen, sampled every 250 ms throughout.</li>
 * </ol>
 *
 * <pre>
 * java -Xmx384m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
 *     -cp target/test-classes:target/classes:$(cat target/bench.classpath) \
 *     io.annexa.bench.FleetBenchmark [h2|postgres|both, default both] [hosts, 10000] [idle seconds, 60]
 * </pre>
 */
public final class FleetBenchmark {

    /** The kinds of file each host of the fleet has. */
    public static final List<String> KINDS = List.of("sshd_config", "login.defs", "sudoers");
    private static final String[] ROUTES = {"sshd-config-inbox", "login-defs-inbox", "sudoers-inbox"};
    private static final String ROOT_LOGIN_RULE = "sshd_root_login_disabled";
    /** Held, or the logger and its level could be collected: Camel reports every route start at INFO. */
    private static final Logger CAMEL = Logger.getLogger("org.apache.camel");

    private FleetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("stage")) {
            stage(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 10_000);
            return;
        }
        List<String> databases = args.length > 0 && !args[0].equals("both") ? List.of(args[0]) : List.of("h2", "postgres");
        int hosts = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int idleSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        Measure.quietLogs();
        CAMEL.setLevel(Level.WARNING);
        System.out.println(Measure.jvm());
        RssSampler rss = new RssSampler();
        rss.start();
        for (String kind : databases) {
            try (BenchDatabase database = BenchDatabase.create(kind)) {
                new Run(database, hosts, idleSeconds, rss).measure();
            }
        }
        rss.stop();
        System.out.printf("largest RSS seen over the whole run: %.0f MB%n", rss.maxMb());
    }

    /** One database: a fleet dropped, idle, one change, a restart. */
    private static final class Run {
        private final BenchDatabase database;
        private final int hosts;
        private final int idleSeconds;
        private final RssSampler rss;
        private final Path data;
        private final Set<EvidenceScope> refreshed = ConcurrentHashMap.newKeySet();
        private final Map<ChangeKind, AtomicLong> changes = new ConcurrentHashMap<>();
        private final AtomicReference<String> openedRootLogin = new AtomicReference<>("");
        private final AtomicLong results = new AtomicLong();

        Run(BenchDatabase database, int hosts, int idleSeconds, RssSampler rss) throws IOException {
            this.database = database;
            this.hosts = hosts;
            this.idleSeconds = idleSeconds;
            this.rss = rss;
            this.data = Files.createTempDirectory("annexa-fleet-bench");
        }

        void measure() throws Exception {
            RuleLibrary library = BenchLibraries.load(ProjectFiles.rules());
            Path staging = Files.createDirectories(data.resolve("staging"));
            List<Path> staged = new ArrayList<>();
            for (int i = 0; i < hosts; i++) {
                for (String kind : KINDS) {
                    Path file = Files.createDirectories(staging.resolve(kind)).resolve(asset(i));
                    Files.writeString(file, content(kind, i), StandardCharsets.UTF_8);
                    staged.add(file);
                }
            }
            System.out.printf("%n%s: %,d hosts, %,d files staged; %d rules%n", database.kind(), hosts, staged.size(),
                    library.rules().size());
            rss.reset();
            try {
                Service service = new Service(library);
                Path inbox = service.sources.inbox();
                for (String kind : KINDS) {
                    Files.createDirectories(inbox.resolve(kind));
                }
                for (Path file : staged) {
                    Files.move(file, inbox.resolve(file.getParent().getFileName().toString()).resolve(file.getFileName()),
                            StandardCopyOption.ATOMIC_MOVE);
                }
                long landed = System.nanoTime();
                await("every host evaluated and reconciled", () -> refreshed.size() == hosts * KINDS.size(), service.engine);
                double intake = Measure.millisSince(landed) / 1000;
                System.out.printf("%s intake: every host evaluated and in the register %.1f s after the last of %,d files landed;"
                                + " %,d results, %,d active nonconformities, %s; RSS max %.0f MB; heap after GC %.0f of %.0f MB%n",
                        database.kind(), intake, staged.size(), results.get(), service.register.activeCount(), changes(), rss.maxMb(),
                        Measure.usedHeapMbAfterGc(), Measure.maxHeapMb());

                // let the last poll, the ledger's save and the register's last seen writes finish
                service.sources.awaitPolls(ROUTES[0], 2);
                long readBefore = reads(service);
                long cpuBefore = cpuNanos();
                long idleStart = System.nanoTime();
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(idleSeconds));
                double idleCpu = (cpuNanos() - cpuBefore) / (double) (System.nanoTime() - idleStart) * 100;
                System.out.printf("%s idle: %.2f %% of one core over %d s, %d files read meanwhile; RSS max %.0f MB%n",
                        database.kind(), idleCpu, idleSeconds, reads(service) - readBefore, rss.maxMb());

                int changed = firstHostWithout(ROOT_LOGIN_FINDING_EVERY);
                Path sshd = inbox.resolve("sshd_config").resolve(asset(changed));
                openedRootLogin.set("");
                long rewritten = System.nanoTime();
                Files.writeString(sshd, content("sshd_config", changed).replace("PermitRootLogin no", "PermitRootLogin yes"));
                await("the root login of " + asset(changed) + " in the register", () -> openedRootLogin.get().equals(asset(changed)),
                        service.engine);
                System.out.printf("%s one change: %s's nonconformity opened %.2f s after its file was rewritten%n",
                        database.kind(), asset(changed), Measure.millisSince(rewritten) / 1000);
                service.close();

                int changedWhileDown = firstHostWithout(ROOT_LOGIN_FINDING_EVERY) + 1;
                while (changedWhileDown % ROOT_LOGIN_FINDING_EVERY == 0) {
                    changedWhileDown++;
                }
                int down = changedWhileDown;
                Files.writeString(inbox.resolve("sshd_config").resolve(asset(down)),
                        content("sshd_config", down).replace("PermitRootLogin no", "PermitRootLogin yes"));
                refreshed.clear();
                changes.clear();
                openedRootLogin.set("");
                long restarted = System.nanoTime();
                Service again = new Service(library);
                double up = Measure.millisSince(restarted) / 1000;
                await("the change made while down in the register", () -> openedRootLogin.get().equals(asset(down)), again.engine);
                double changeSeen = Measure.millisSince(restarted) / 1000;
                int filesReadWhenSeen = (int) reads(again);
                await("every host read again after the restart", () -> refreshed.size() == hosts * KINDS.size(), again.engine);
                double pass = Measure.millisSince(restarted) / 1000;
                System.out.printf("%s restart: routes, engine and register up in %.1f s; the file changed while down in the register"
                                + " %.1f s after start (%,d files read by then); every file read again and reconciled %.1f s after"
                                + " start; register changes meanwhile: %s; %,d active; RSS max %.0f MB%n", database.kind(), up,
                        changeSeen, filesReadWhenSeen, pass, changes(), again.register.activeCount(), rss.maxMb());
                again.sources.awaitPolls(ROUTES[0], 2);
                long readAfterPass = reads(again);
                again.sources.awaitPolls(ROUTES[0], 3);
                System.out.printf("%s after the restart pass: %d files read in 3 more polls%n", database.kind(),
                        reads(again) - readAfterPass);
                again.close();
            } finally {
                delete(data);
            }
        }

        private String changes() {
            Map<ChangeKind, Long> counts = new EnumMap<>(ChangeKind.class);
            changes.forEach((kind, count) -> counts.put(kind, count.get()));
            return counts.isEmpty() ? "none" : counts.toString();
        }

        private int firstHostWithout(int every) {
            for (int i = 1; i < hosts; i++) {
                if (i % every != 0) {
                    return i;
                }
            }
            throw new IllegalStateException("every host has the finding");
        }

        private long reads(Service service) {
            long total = 0;
            for (String route : ROUTES) {
                total += service.sources.route(route).counters().itemsRead();
            }
            return total;
        }

        /** The service's wiring, minus HTTP: register on the database, engine on the real rules, the real routes. */
        private final class Service implements AutoCloseable {
            final NonconformityRepository repository;
            final NonconformityRegister register;
            final EvaluationEngine engine;
            final IsolatedSources sources;

            Service(RuleLibrary library) throws Exception {
                repository = NonconformityRepository.open(database.settings());
                register = new NonconformityRegister(repository, RegisterPolicy.defaults(), AssetInventory.empty(), Clock.systemUTC());
                AtomicReference<EvaluationEngine> self = new AtomicReference<>();
                engine = new EvaluationEngine(library, result -> reconcile(result, self.get()), Measure.daemonThreads());
                self.set(engine);
                sources = IsolatedSources.in(data).withDefault("annexa.sources.inbox.poll-ms").start(engine);
            }

            private void reconcile(EvaluationResult result, EvaluationEngine engine) {
                for (Change change : register.reconcile(result, id -> engine.library().enabledRule(id))) {
                    changes.computeIfAbsent(change.kind(), k -> new AtomicLong()).incrementAndGet();
                    if (change.kind() == ChangeKind.OPENED && change.nonconformity().getRuleId().equals(ROOT_LOGIN_RULE)) {
                        openedRootLogin.set(change.nonconformity().getAsset());
                    }
                }
                refreshed.addAll(result.refreshed());
                results.incrementAndGet();
            }

            @Override
            public void close() {
                sources.close();
                engine.close();
                repository.close();
            }
        }
    }

    /**
     * {@code stage <folder> [hosts]}: writes the same fleet as {@code <folder>/<kind>/<asset>}, for dropping into a
     * running service's inbox ({@code bench/fleet-service.sh}).
     */
    private static void stage(Path folder, int hosts) throws IOException {
        for (int i = 0; i < hosts; i++) {
            for (String kind : KINDS) {
                Files.writeString(Files.createDirectories(folder.resolve(kind)).resolve(asset(i)), content(kind, i), StandardCharsets.UTF_8);
            }
        }
        System.out.printf("%,d hosts, %,d files staged in %s%n", hosts, hosts * KINDS.size(), folder);
    }

    /** Every n-th host allows root login, so its sshd_config has a finding. */
    private static final int ROOT_LOGIN_FINDING_EVERY = 10;

    public static String asset(int index) {
        return "host-%05d.fleet.example.net".formatted(index);
    }

    /** A realistic file of the kind, a few settings varied by host so that some hosts have findings. */
    public static String content(String kind, int host) throws IOException {
        return switch (kind) {
            case "sshd_config" -> sample("integrations/samples/hosts/bastion-01/etc/ssh/sshd_config")
                    .replace("PermitRootLogin no", host % ROOT_LOGIN_FINDING_EVERY == 0 ? "PermitRootLogin yes" : "PermitRootLogin no")
                    .replace("MaxAuthTries 3", "MaxAuthTries " + (host % 7 == 0 ? 10 : 3))
                    .replace("LoginGraceTime 30", "LoginGraceTime " + (20 + host % 40));
            case "login.defs" -> sample("rules/organizational/c5_17_authentication_information/login_defs_password_min_age_set/tests/"
                    + "debian_default.fail.login.defs")
                    .replace("PASS_MAX_DAYS\t99999", "PASS_MAX_DAYS\t" + (host % 5 == 0 ? 99999 : 90))
                    .replace("PASS_MIN_DAYS\t0", "PASS_MIN_DAYS\t" + (host % 3 == 0 ? 0 : 1))
                    .replace("UMASK\t\t022", "UMASK\t\t" + (host % 4 == 0 ? "022" : "027"));
            case "sudoers" -> sample("rules/technological/c8_18_use_of_privileged_utility_programs/sudo_commands_logged/tests/"
                    + "debian_default.pass.sudoers")
                    + (host % 13 == 0 ? "%deploy ALL=(ALL) NOPASSWD: ALL\n" : "%ops ALL=(root) /usr/bin/systemctl restart app" + host % 50 + "\n");
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static final Map<String, String> SAMPLES = new ConcurrentHashMap<>();

    private static String sample(String relative) throws IOException {
        String text = SAMPLES.get(relative);
        if (text == null) {
            text = Files.readString(ProjectFiles.root().resolve(relative), StandardCharsets.UTF_8);
            SAMPLES.put(relative, text);
        }
        return text;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void await(String what, BooleanSupplier done, EvaluationEngine engine) {
        Measure.await(what, done, engine);
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** The process's resident set size, from /proc/self/status, every 250 ms on a daemon thread. */
    private static final class RssSampler {
        private volatile long maxKb;
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::sample, "rss-sampler");

        void start() {
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
            Path status = Path.of("/proc/self/status");
            while (running) {
                try {
                    for (String line : Files.readAllLines(status)) {
                        if (line.startsWith("VmRSS:")) {
                            long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                            if (kb > maxKb) {
                                maxKb = kb;
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
            }
        }
    }
}
