package io.annexa.bench;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs JMH benchmarks from the test classpath: {@code BenchmarkMain LogClassification -f 1 -wi 3 -i 5}.
 *
 * <p>JMH starts each fork with the {@code java.class.path} of this JVM. Under {@code mvn exec:java} that is only
 * Maven's launcher, while the project's classes sit in the class loader exec:java created; so the class path is
 * rebuilt from that loader first, or the fork could not find the benchmarks.
 */
public final class BenchmarkMain {

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                entries.add(pathOf(url));
            }
            entries.add(System.getProperty("java.class.path"));
            System.setProperty("java.class.path", String.join(File.pathSeparator, entries));
        }
        org.openjdk.jmh.Main.main(args);
    }

    private static String pathOf(URL url) throws URISyntaxException {
        return Path.of(url.toURI()).toString();
    }
}
