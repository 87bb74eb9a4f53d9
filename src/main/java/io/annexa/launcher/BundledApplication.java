package io.annexa.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Annexa's application classes taken out of {@code annexa.jar}, for a command that runs them without Payara
 * ({@code test-rules}): the WAR's {@code WEB-INF/classes} and {@code WEB-INF/lib/*.jar}, plus the few platform
 * jars that the WAR leaves to Payara but the command needs (JAXB reads the control catalog), taken from Payara
 * Micro's own runtime in the bundle so that they are the versions the service runs with.
 *
 * <p>The JDK cannot load classes from a jar inside a WAR inside a jar, so they are copied out, once per bundle
 * content: into {@code <cache>/app-<key>}, the key made of the CRCs the bundle's directory records for the WAR and
 * the platform jars (nothing is read to compute it). Copying takes about a second of a run that should take a few; a
 * copy is written under a temporary name and renamed into place, so a run never sees half a copy, and two runs at
 * once at worst both copy. The cache lives in the user's own cache folder, never in a shared temporary folder where
 * another user could plant classes; without a usable cache, the copy goes to a fresh temporary folder (private
 * to the user, as {@link Files#createTempDirectory} makes it) deleted on {@link #close}.
 */
final class BundledApplication implements AutoCloseable {

    static final String DEPLOY = "MICRO-INF/deploy/";
    static final String RUNTIME = "MICRO-INF/runtime/";
    /** JAXB API and implementation, and Jakarta Activation, which JAXB needs: provided by Payara, not in the WAR. */
    static final List<String> PLATFORM_JARS = List.of(
            "jakarta.xml.bind-api.jar", "jaxb-osgi.jar", "jakarta.activation-api.jar", "angus-activation.jar");
    private static final String CLASSES = "WEB-INF/classes/";
    private static final String LIB = "WEB-INF/lib/";
    private static final String COPY = "app-";
    private static final String PARTIAL = ".partial-";
    /** A copy of another bundle unused this long is removed; one in use by a run of that bundle is not touched. */
    static final Duration UNUSED_COPY = Duration.ofDays(7);

    private final Path folder;
    private final boolean temporary;
    private final URLClassLoader classLoader;

    private BundledApplication(Path folder, boolean temporary) throws IOException {
        this.folder = folder;
        this.temporary = temporary;
        List<URL> classPath = new ArrayList<>();
        classPath.add(folder.resolve("classes").toUri().toURL());
        try (Stream<Path> libraries = Files.list(folder.resolve("lib"))) {
            for (Path library : libraries.sorted().toList()) {
                classPath.add(library.toUri().toURL());
            }
        }
        for (String name : PLATFORM_JARS) {
            classPath.add(folder.resolve("platform").resolve(name).toUri().toURL());
        }
        // The platform loader as parent: the bundle's own classes (Payara's boot classes, the launcher) stay out.
        this.classLoader = new URLClassLoader("annexa-application", classPath.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    }

    /**
     * The application of {@code bundle}, copied out into {@code cache} unless a copy of the same content is there.
     *
     * @param cache the folder of copies; null, or a folder that cannot be made: a temporary copy
     */
    static BundledApplication open(Path bundle, Path cache) throws IOException {
        try (JarFile jar = new JarFile(bundle.toFile())) {
            JarEntry war = war(jar, bundle);
            List<JarEntry> platform = platformJars(jar, bundle);
            Path copies = cache == null ? null : usableCache(cache);
            if (copies == null) {
                Path folder = Files.createTempDirectory("annexa-app-");
                try {
                    copyOut(jar, war, platform, folder);
                    return new BundledApplication(folder, true);
                } catch (IOException | RuntimeException e) {
                    delete(folder);
                    throw e;
                }
            }
            Path folder = copies.resolve(COPY + key(war, platform));
            if (!Files.isDirectory(folder)) {
                Path partial = Files.createTempDirectory(copies, folder.getFileName() + PARTIAL);
                try {
                    copyOut(jar, war, platform, partial);
                    Files.move(partial, folder, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileSystemException e) {
                    if (!Files.isDirectory(folder)) {
                        throw e;
                    } // else another run put the same copy in place first
                } finally {
                    delete(partial);
                }
                removeUnused(copies, folder);
            }
            try {
                Files.setLastModifiedTime(folder, FileTime.from(Instant.now())); // in use: not removed as unused
            } catch (IOException e) {
                // a cache this user may read but not change is still usable
            }
            return new BundledApplication(folder, false);
        }
    }

    /** Where the application was copied to; a temporary copy is gone after {@link #close}. */
    Path folder() {
        return folder;
    }

    /**
     * Calls {@code public static int run(String[] args, PrintStream out, PrintStream err)} of {@code className} with the
     * application's class loader as the thread's context class loader (JAXB and Drools look up services through it).
     *
     * @return what the command returned: its exit code
     */
    int run(String className, String[] args, PrintStream out, PrintStream err) throws Throwable {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(classLoader);
        try {
            Method run = Class.forName(className, true, classLoader).getMethod("run", String[].class, PrintStream.class, PrintStream.class);
            return (Integer) run.invoke(null, args, out, err);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public void close() throws IOException {
        classLoader.close();
        if (temporary) {
            delete(folder);
        }
    }

    /** The user's cache folder for Annexa: {@code $XDG_CACHE_HOME/annexa}, else {@code ~/.cache/annexa}. */
    static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("annexa");
    }

    private static JarEntry war(JarFile jar, Path bundle) throws IOException {
        List<JarEntry> wars = jar.stream()
                .filter(e -> e.getName().startsWith(DEPLOY) && e.getName().endsWith(".war") && !e.isDirectory())
                .toList();
        if (wars.size() != 1) {
            throw new IOException(bundle + " holds " + wars.size() + " applications in " + DEPLOY + " where one was expected: "
                    + wars.stream().map(ZipEntry::getName).toList());
        }
        return wars.get(0);
    }

    private static List<JarEntry> platformJars(JarFile jar, Path bundle) throws IOException {
        List<JarEntry> entries = new ArrayList<>();
        for (String name : PLATFORM_JARS) {
            JarEntry entry = jar.getJarEntry(RUNTIME + name);
            if (entry == null) {
                throw new IOException(bundle + " has no " + RUNTIME + name + ", which the application needs outside Payara");
            }
            entries.add(entry);
        }
        return entries;
    }

    /** The cache folder, made if need be; null when it cannot be made or written. */
    private static Path usableCache(Path cache) {
        try {
            Files.createDirectories(cache);
            return Files.isWritable(cache) ? cache : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** What the bundle's directory records of the WAR and the platform jars: changes when any of them does. */
    private static String key(JarEntry war, List<JarEntry> platform) {
        CRC32 crc = new CRC32();
        for (JarEntry entry : Stream.concat(Stream.of(war), platform.stream()).toList()) {
            crc.update((entry.getName() + ' ' + entry.getCrc() + ' ' + entry.getSize() + '\n').getBytes(StandardCharsets.UTF_8));
        }
        return String.format("%08x-%08x", war.getCrc(), crc.getValue());
    }

    private static void copyOut(JarFile jar, JarEntry war, List<JarEntry> platform, Path folder) throws IOException {
        Path classes = Files.createDirectory(folder.resolve("classes"));
        Path lib = Files.createDirectory(folder.resolve("lib"));
        try (ZipInputStream in = new ZipInputStream(jar.getInputStream(war))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                String name = entry.getName();
                if (entry.isDirectory()) {
                    continue;
                }
                if (name.startsWith(CLASSES)) {
                    copy(in, classes, name.substring(CLASSES.length()));
                } else if (name.startsWith(LIB) && name.endsWith(".jar") && name.indexOf('/', LIB.length()) < 0) {
                    copy(in, lib, name.substring(LIB.length()));
                }
            }
        }
        Path platformFolder = Files.createDirectory(folder.resolve("platform"));
        for (JarEntry entry : platform) {
            try (InputStream in = jar.getInputStream(entry)) {
                copy(in, platformFolder, entry.getName().substring(RUNTIME.length()));
            }
        }
    }

    /** Copies to {@code name} below {@code root}; a name leading out of it (../) is refused. */
    private static void copy(InputStream in, Path root, String name) throws IOException {
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new IOException("entry '" + name + "' leads out of " + root);
        }
        Files.createDirectories(target.getParent());
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Copies of other bundles unused for {@link #UNUSED_COPY}, and partial copies a stopped run left that long ago. */
    private static void removeUnused(Path copies, Path current) {
        Instant before = Instant.now().minus(UNUSED_COPY);
        try (Stream<Path> folders = Files.list(copies)) {
            for (Path folder : folders.filter(f -> f.getFileName().toString().startsWith(COPY) && !f.equals(current)).toList()) {
                if (Files.getLastModifiedTime(folder).toInstant().isBefore(before)) {
                    delete(folder);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // a copy that cannot be removed now is tried again on the next new copy
        }
    }

    static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
