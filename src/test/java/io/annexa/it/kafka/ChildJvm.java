package io.annexa.it.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a JVM with the test class path, its output appended to a file. Public for the cluster's child instances. */
public final class ChildJvm {

    private ChildJvm() {
    }

    static Process start(Path workDirectory, Path output, String heap, List<String> mainAndArguments) {
        try {
            Files.createDirectories(output.getParent());
            return new ProcessBuilder(command(workDirectory, heap, List.of(), mainAndArguments))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a child JVM for " + mainAndArguments.get(0), e);
        }
    }

    /**
     * The command line of a JVM on the test class path, its temporary files in {@code workDirectory}.
     *
     * @param options JVM options such as {@code -Dname=value}, before the main class
     */
    public static List<String> command(Path workDirectory, String heap, List<String> options, List<String> mainAndArguments) {
        try {
            Files.createDirectories(workDirectory);
            // the class path goes in an argument file: it is longer than some systems allow on a command line
            Path argumentFile = workDirectory.resolve("classpath.args");
            Files.writeString(argumentFile, "-cp \"" + System.getProperty("java.class.path") + "\"\n", StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap,
                    // test helpers start often and run briefly: C1 only and the serial collector start faster on 2 cores
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-Djava.io.tmpdir=" + workDirectory, "@" + argumentFile));
            command.addAll(options);
            command.addAll(mainAndArguments);
            return command;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a child JVM in " + workDirectory, e);
        }
    }
}
