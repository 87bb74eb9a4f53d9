package io.annexa.launcher;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The entry point of {@code annexa.jar}.
 *
 * <p>{@code java -jar annexa.jar} starts the JVM with the JDK's defaults, which size the heap from the
 * machine's memory (1.8 GB resident seen on a 24 GB machine). The launcher therefore starts Annexa in a
 * second JVM with sized options ({@code ANNEXA_JAVA_OPTS}, or {@link #DEFAULT_JAVA_OPTS}); options given
 * to the first JVM ({@code java -Xmx1g -jar annexa.jar}) are passed on and win. Set
 * {@code ANNEXA_FORK=false} to run in the first JVM as it is.
 *
 * <p>It also adds Annexa's defaults to Payara Micro's command line: {@code --port} wins over
 * {@code ANNEXA_PORT}, which wins over 8080; the data grid and phone-home are off (one process, no
 * port but HTTP, faster start). Uses only the JDK: it runs before Payara's class loaders exist.
 *
 * <p>{@code java -jar annexa.jar test-rules [folder...]} runs rule scenarios instead of the service, in the
 * same sized JVM (see {@link #runRuleTests} and {@link BundledApplication}).
 */
public final class AnnexaLauncher {

    static final String PAYARA_MAIN = "fish.payara.micro.PayaraMicro";
    /**
     * A fleet keeps most of the heap live (every host's evidence in the rule engine: about 380 MB for 10,000 hosts).
     * The serial collector's default young generation is a third of the heap, which left the old one smaller than
     * that live set, so every young collection became a full one (more than half the time in GC); a fixed 64 MB young
     * generation leaves it room, for the same resident size (FleetBenchmark, README). Its survivor spaces are a fifth
     * of it each rather than a tenth: a fleet's intake keeps files' facts in flight across a collection or two, and
     * with the small default they overflowed into the old generation, whose full collections then took 21 of 27 s of
     * collection in the service's intake (9 of 17 s with these). 496 MB rather than 512: a fleet's intake touches the
     * whole heap, so the resident size is the heap plus ~270 MB (metaspace, code, symbols, threads); with 512 MB a
     * 10,000-host fleet ran at 797-806 MB, with 496 MB at 785-793 MB and the same intake, once the rules stopped
     * keeping a tuple per file for every "not set" rule.
     */
    static final String DEFAULT_JAVA_OPTS = "-Xmx496m -Xmn64m -XX:SurvivorRatio=3 -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    /** The sub-command that runs rule scenarios instead of the service, and the application class that does. */
    static final String RULE_TESTS = "test-rules";
    static final String RULE_TEST_COMMAND = "io.annexa.service.RuleTestCommand";
    private static final String CHILD_MARKER = "annexa.launcher.child";
    static final String MALLOC_ARENAS = "MALLOC_ARENA_MAX";

    private AnnexaLauncher() {
    }

    public static void main(String[] args) throws Throwable {
        boolean ruleTests = args.length > 0 && args[0].equals(RULE_TESTS);
        String[] payaraArgs = ruleTests ? args : arguments(args, System.getenv("ANNEXA_PORT"));
        if (System.getProperty(CHILD_MARKER) == null && !"false".equalsIgnoreCase(System.getenv("ANNEXA_FORK"))) {
            System.exit(runInSizedJvm(args));
        }
        if (ruleTests) {
            System.exit(runRuleTests(Path.of(ownJar()), Arrays.copyOfRange(args, 1, args.length)));
        }
        try {
            Class.forName(PAYARA_MAIN).getMethod("main", String[].class).invoke(null, (Object) withListeners(payaraArgs));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * Runs the rule scenarios without Payara, in the sized JVM like the service: for a run of a few seconds, most
     * of the default JVM's CPU goes to its optimising compiler, and the sized JVM's {@code TieredStopAtLevel=1} halves
     * it (one rule folder: 5.6-6.0 s of CPU in the default JVM, 3.0-3.6 s in the sized one; the whole library:
     * 24 s and 11 s), far more than the second JVM's start costs.
     */
    static int runRuleTests(Path bundle, String[] args) throws Throwable {
        BundledApplication application;
        try {
            application = BundledApplication.open(bundle, BundledApplication.defaultCache());
        } catch (java.io.IOException e) {
            System.err.println(RULE_TESTS + ": cannot take the application out of " + bundle + ": " + e.getMessage());
            return 2;
        }
        try (application) {
            return application.run(RULE_TEST_COMMAND, args, System.out, System.err);
        }
    }

    /** Adds the listener plan (address, TLS, no data grid) and applies its JVM properties to this process. */
    private static String[] withListeners(String[] payaraArgs) throws java.io.IOException {
        List<String> result = new ArrayList<>(List.of(payaraArgs));
        Listeners.Plan plan = Listeners.plan(LauncherSettings.fromProcess());
        plan.systemProperties().forEach(System::setProperty);
        result.addAll(plan.options());
        addCommandFile(result, "--prebootcommandfile", plan.preBootCommands(), "annexa.http.* settings are not applied");
        addCommandFile(result, "--postbootcommandfile", plan.postBootCommands(), "Payara's /metrics and /openapi stay as it configures them");
        return result.toArray(new String[0]);
    }

    /** Writes asadmin commands to a temporary file for {@code option}, unless the operator gave their own file. */
    private static void addCommandFile(List<String> arguments, String option, List<String> commands, String otherwise)
            throws java.io.IOException {
        if (arguments.contains(option)) {
            System.err.println("Annexa: " + option + " was given, so " + otherwise);
            return;
        }
        java.nio.file.Path file = java.nio.file.Files.createTempFile("annexa" + option.substring(2), ".asadmin");
        file.toFile().deleteOnExit();
        java.nio.file.Files.write(file, commands);
        arguments.add(option);
        arguments.add(file.toString());
    }

    /**
     * The sized JVM's process. glibc gives each thread that allocates natively an arena of its own, up to eight per
     * core, and the service's threads each keep a partly used one resident for good (a fleet of 10,000 hosts: 11-22 MB
     * more). Two suffice for a JVM, whose heap is not malloc's. An operator's own setting wins.
     */
    static ProcessBuilder childProcess(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putIfAbsent(MALLOC_ARENAS, "2");
        return builder;
    }

    private static int runInSizedJvm(String[] args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        String options = System.getenv("ANNEXA_JAVA_OPTS");
        command.addAll(Arrays.asList((options == null || options.isBlank() ? DEFAULT_JAVA_OPTS : options).trim().split("\\s+")));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-D" + CHILD_MARKER + "=true");
        command.add("-jar");
        command.add(ownJar());
        command.addAll(List.of(args));
        Process child = childProcess(command).start();
        // Stopping the launcher (Ctrl-C, SIGTERM) stops Annexa gracefully.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (child.isAlive()) {
                child.destroy();
                try {
                    child.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        return child.waitFor();
    }

    private static String ownJar() throws URISyntaxException {
        return new File(AnnexaLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    }

    static String[] arguments(String[] args, String portVariable) {
        List<String> result = new ArrayList<>(List.of(args));
        if (!result.contains("--port")) {
            String port = portVariable == null || portVariable.isBlank() ? "8080" : portVariable.strip();
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("ANNEXA_PORT '" + port + "' is not a TCP port number (1-65535)");
            }
            result.add("--port");
            result.add(port);
        }
        // --nohazelcast, not --nocluster: with --nocluster the data grid still starts and listens on 6900
        if (!result.contains("--nocluster") && !result.contains("--clustermode") && !result.contains("--nohazelcast")) {
            result.add("--nohazelcast");
        }
        if (!result.contains("--disablephonehome")) {
            result.add("--disablephonehome");
        }
        return result.toArray(new String[0]);
    }
}
