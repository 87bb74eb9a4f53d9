package io.annexa.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Stands in for the application's command in a bundle that {@link BundledApplicationTest} builds. */
public final class BundledCommandFixture {

    private BundledCommandFixture() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        ClassLoader loader = BundledCommandFixture.class.getClassLoader();
        out.println("loaded by " + loader.getName());
        out.println("context loader is it: " + (Thread.currentThread().getContextClassLoader() == loader));
        try (InputStream in = loader.getResourceAsStream("from-lib.txt")) {
            out.println("library: " + new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        out.println("JAXB: " + (loader.getResource("jaxb-osgi.marker") != null));
        out.println("args: " + String.join(" ", args));
        if (args.length > 0 && args[0].equals("throw")) {
            throw new IllegalStateException("thrown by the command");
        }
        err.println("done");
        return 3;
    }
}
