package io.annexa.bench;

import io.annexa.ProjectFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the rule sandbox adds to building the library ({@code RuleLibrary.load}): builds of the real library with
 * the sandbox on and off, alternated so that drift of a shared machine hits both alike, after warm-up rounds.
 *
 * <pre>
 * java -Xmx384m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp target/test-classes:target/classes:$(cat target/bench.classpath) \
 *     io.annexa.bench.SandboxBuildBenchmark [rounds, default 10] [warm-up rounds, 3]
 * </pre>
 */
public final class SandboxBuildBenchmark {

    private SandboxBuildBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Measure.quietLogs();
        Path rules = ProjectFiles.rules();
        System.out.println(Measure.jvm());
        List<Double> on = new ArrayList<>();
        List<Double> off = new ArrayList<>();
        int count = 0;
        for (int round = -warmUp; round < rounds; round++) {
            boolean onFirst = round % 2 == 0;
            for (boolean sandboxed : onFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                long start = System.nanoTime();
                count = BenchLibraries.load(rules, sandboxed).rules().size();
                double millis = Measure.millisSince(start);
                if (round >= 0) {
                    (sandboxed ? on : off).add((double) Math.round(millis));
                }
            }
        }
        double medianOn = Measure.median(on);
        double medianOff = Measure.median(off);
        System.out.printf("build %d rules, sandbox on:  %s, median %.0f ms%n", count, on, medianOn);
        System.out.printf("build %d rules, sandbox off: %s, median %.0f ms%n", count, off, medianOff);
        System.out.printf("sandbox adds %.0f ms (%.1f %%) by the medians%n", medianOn - medianOff, 100 * (medianOn - medianOff) / medianOff);
        // the fastest build is the one least disturbed by other work on a shared machine
        double minOn = on.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double minOff = off.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        System.out.printf("fastest builds: on %.0f ms, off %.0f ms, sandbox adds %.0f ms (%.1f %%)%n",
                minOn, minOff, minOn - minOff, 100 * (minOn - minOff) / minOff);
    }
}
