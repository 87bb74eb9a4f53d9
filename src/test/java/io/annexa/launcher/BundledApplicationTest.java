package io.annexa.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application taken out of a bundle laid out as Payara Micro's uber jar is (the WAR in MICRO-INF/deploy, the
 * platform jars in MICRO-INF/runtime), built here so that no {@code mvn package} is needed.
 */
class BundledApplicationTest {

    private static final String FIXTURE = BundledCommandFixture.class.getName();

    @TempDir
    Path temp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void runsTheCommandFromTheWarsClassesAndLibrariesWithThePlatformJars() throws Throwable {
        Path bundle = bundle(war(Map.of()), null);

        int exit;
        Path folder;
        try (BundledApplication application = BundledApplication.open(bundle, null)) {
            folder = application.folder();
            exit = application.run(FIXTURE, new String[] {"a", "b"}, print(out), print(err));
        }

        assertThat(exit).isEqualTo(3);
        assertThat(text(out)).isEqualTo("""
                loaded by annexa-application
                context loader is it: true
                library: from WEB-INF/lib
                JAXB: true
                args: a b
                """);
        assertThat(text(err)).isEqualTo("done\n");
        assertThat(folder).doesNotExist();
        assertThat(Thread.currentThread().getContextClassLoader()).isNotInstanceOf(java.net.URLClassLoader.class);
    }

    @Test
    void aCopyInTheCacheIsMadeOnceAndUsedAgainUntilTheBundleChanges() throws Throwable {
        Path cache = temp.resolve("cache");
        Path bundle = bundle(war(Map.of()), null);
        Path first;
        try (BundledApplication application = BundledApplication.open(bundle, cache)) {
            first = application.folder();
            assertThat(application.run(FIXTURE, new String[0], print(out), print(err))).isEqualTo(3);
        }
        assertThat(first).isDirectory().hasParent(cache);
        Files.writeString(first.resolve("classes/seen.txt"), "a second run copies nothing");

        try (BundledApplication application = BundledApplication.open(bundle, cache)) {
            assertThat(application.folder()).isEqualTo(first);
            assertThat(application.run(FIXTURE, new String[0], print(out), print(err))).isEqualTo(3);
        }
        assertThat(first.resolve("classes/seen.txt")).exists();

        Path changed = bundle(war(Map.of("WEB-INF/classes/new.txt", new byte[] {1})), null);
        try (BundledApplication application = BundledApplication.open(changed, cache)) {
            assertThat(application.folder()).isNotEqualTo(first).hasParent(cache);
        }
        try (var copies = Files.list(cache)) {
            assertThat(copies.map(p -> p.getFileName().toString())).hasSize(2).noneMatch(n -> n.contains(".partial-"));
        }
    }

    @Test
    void copiesUnusedForAWeekAreRemovedWhenANewCopyIsMade() throws IOException {
        Path cache = Files.createDirectories(temp.resolve("cache"));
        Path old = Files.createDirectories(cache.resolve("app-old/classes"));
        Path recent = Files.createDirectories(cache.resolve("app-recent/classes"));
        Files.setLastModifiedTime(old.getParent(), FileTime.from(Instant.now().minus(Duration.ofDays(8))));
        Files.setLastModifiedTime(recent.getParent(), FileTime.from(Instant.now().minus(Duration.ofDays(6))));

        try (BundledApplication application = BundledApplication.open(bundle(war(Map.of()), null), cache)) {
            assertThat(application.folder()).isDirectory();
        }

        assertThat(old.getParent()).doesNotExist();
        assertThat(recent.getParent()).isDirectory();
    }

    @Test
    void withoutAUsableCacheTheCopyIsTemporary() throws IOException {
        Path notAFolder = Files.writeString(temp.resolve("cache"), "a file where the cache would be");
        Path folder;
        try (BundledApplication application = BundledApplication.open(bundle(war(Map.of()), null), notAFolder)) {
            folder = application.folder();
            assertThat(folder).isDirectory();
        }
        assertThat(folder).doesNotExist();
    }

    @Test
    void whatTheCommandThrowsReachesTheCaller() throws Throwable {
        try (BundledApplication application = BundledApplication.open(bundle(war(Map.of()), null), null)) {
            assertThatIllegalStateException().isThrownBy(() -> application.run(FIXTURE, new String[] {"throw"}, print(out), print(err)))
                    .withMessage("thrown by the command");
        }
    }

    @Test
    void aBundleWithoutTheApplicationIsRefused() throws IOException {
        Path bundle = zip(temp.resolve("payara-micro.jar"), Map.of("MICRO-INF/runtime/other.jar", new byte[0]));

        assertThatThrownBy(() -> BundledApplication.open(bundle, null)).isInstanceOf(IOException.class)
                .hasMessageContaining("holds 0 applications in MICRO-INF/deploy/");
    }

    @Test
    void aMissingPlatformJarIsNamed() {
        assertThatThrownBy(() -> BundledApplication.open(bundle(war(Map.of()), "jaxb-osgi.jar"), null)).isInstanceOf(IOException.class)
                .hasMessageContaining("has no MICRO-INF/runtime/jaxb-osgi.jar");
    }

    @Test
    void anEntryLeadingOutOfTheFolderIsRefused() {
        Map<String, byte[]> evil = Map.of("WEB-INF/classes/../../../escaped.txt", "x".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> BundledApplication.open(bundle(war(evil), null), null)).isInstanceOf(IOException.class)
                .hasMessageContaining("leads out of");
    }

    @Test
    void theLauncherReportsABundleItCannotUseWithExitCodeTwo() throws Throwable {
        PrintStream standardError = System.err;
        try {
            System.setErr(print(err));
            assertThat(AnnexaLauncher.runRuleTests(temp.resolve("missing.jar"), new String[0])).isEqualTo(2);
        } finally {
            System.setErr(standardError);
        }
        assertThat(text(err)).startsWith("test-rules: cannot take the application out of " + temp.resolve("missing.jar"));
    }

    /** A WAR holding the fixture command class, a library with a resource, and {@code extra} entries. */
    private byte[] war(Map<String, byte[]> extra) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        String fixtureClass = FIXTURE.replace('.', '/') + ".class";
        try (InputStream in = BundledApplicationTest.class.getClassLoader().getResourceAsStream(fixtureClass)) {
            entries.put("WEB-INF/classes/" + fixtureClass, in.readAllBytes());
        }
        entries.put("WEB-INF/lib/library.jar", zipBytes(Map.of("from-lib.txt", "from WEB-INF/lib".getBytes(StandardCharsets.UTF_8))));
        entries.put("WEB-INF/web.xml", "<web-app/>".getBytes(StandardCharsets.UTF_8));
        entries.putAll(extra);
        return zipBytes(entries);
    }

    /** @param missing a platform jar to leave out, or null */
    private Path bundle(byte[] war, String missing) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("fish/payara/micro/boot/Placeholder.class", new byte[0]);
        entries.put("MICRO-INF/deploy/annexa.war", war);
        for (String name : BundledApplication.PLATFORM_JARS) {
            if (!name.equals(missing)) {
                entries.put("MICRO-INF/runtime/" + name, zipBytes(Map.of(name.replace(".jar", ".marker"), new byte[0])));
            }
        }
        return zip(temp.resolve("annexa.jar"), entries);
    }

    private static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
        Files.write(file, zipBytes(entries));
        return file;
    }

    private static byte[] zipBytes(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static PrintStream print(OutputStream stream) {
        return new PrintStream(stream, true, StandardCharsets.UTF_8);
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
