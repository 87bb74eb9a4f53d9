package io.annexa.cluster;

import io.annexa.ProjectFiles;
import io.annexa.it.kafka.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A {@link ClusterInstanceMain} in a JVM of its own, as the tests see it: the last status line it printed, and a way to
 * kill it. Its log is {@code target/cluster/logs/<id>-<run>.log}.
 */
final class ClusterInstanceProcess implements AutoCloseable {

    /** What the instance said last; {@link #NONE} until it said anything. */
    record Status(boolean running, boolean ready, Set<Integer> owned, Set<Integer> rebuilding) {

        static final Status NONE = new Status(false, false, Set.of(), Set.of());

        static Status parse(String line) {
            Map<String, String> fields = Arrays.stream(line.substring(ClusterInstanceMain.STATUS_PREFIX.length()).split(" "))
                    .map(field -> field.split("=", 2))
                    .collect(Collectors.toMap(pair -> pair[0], pair -> pair.length > 1 ? pair[1] : ""));
            return new Status(Boolean.parseBoolean(fields.get("running")), Boolean.parseBoolean(fields.get("ready")),
                    numbers(fields.get("owned")), numbers(fields.get("rebuilding")));
        }

        private static Set<Integer> numbers(String list) {
            return list == null || list.isEmpty() ? Set.of()
                    : Arrays.stream(list.split(",")).map(Integer::valueOf).collect(Collectors.toCollection(TreeSet::new));
        }

        /** Joined, evaluating every partition it owns, and owning some. */
        boolean live() {
            return running && ready && !owned.isEmpty();
        }
    }

    private final String id;
    private final Process process;
    private final Path log;
    private volatile Status status = Status.NONE;

    private ClusterInstanceProcess(String id, Process process, Path log) {
        this.id = id;
        this.process = process;
        this.log = log;
        Thread reader = new Thread(this::readStatus, "status-of-" + id);
        reader.setDaemon(true);
        reader.start();
    }

    /** @param settings the instance's system properties ({@code annexa.*}, see {@link ClusterInstanceMain}) */
    static ClusterInstanceProcess start(String id, Map<String, String> settings) {
        String run = id + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path target = ProjectFiles.root().resolve("target").resolve("cluster");
        Path log = target.resolve("logs").resolve(run + ".log");
        List<String> options = settings.entrySet().stream().map(s -> "-D" + s.getKey() + "=" + s.getValue()).collect(Collectors.toList());
        options.add("-Dannexa.instance.id=" + id);
        options.add("-Djava.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(ChildJvm.command(target.resolve(run), "-Xmx384m", options,
                    List.of(ClusterInstanceMain.class.getName())))
                    .directory(ProjectFiles.root().toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new ClusterInstanceProcess(id, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start cluster instance " + id, e);
        }
    }

    private void readStatus() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(ClusterInstanceMain.STATUS_PREFIX)) {
                    status = Status.parse(line);
                }
            }
        } catch (IOException e) {
            // the instance is gone; its last status stays as it was, process() tells that it died
        }
    }

    String id() {
        return id;
    }

    Status status() {
        return process.isAlive() ? status : Status.NONE;
    }

    Process process() {
        return process;
    }

    Path log() {
        return log;
    }

    /**
     * SIGKILL ({@link Process#destroyForcibly()} on Linux): the instance neither leaves the group nor releases a lease.
     *
     * @return the exit value (137 = 128 + 9)
     */
    int killHard() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("instance " + id + " did not die within 30 s of SIGKILL");
        }
        return process.exitValue();
    }

    /** Closing its standard input stops it as it would stop on a normal shutdown; killed if it takes longer than 20 s. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed: the instance stops alike
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
