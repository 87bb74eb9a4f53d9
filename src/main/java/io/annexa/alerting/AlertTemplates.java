package io.annexa.alerting;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The alert e-mail templates operators edit: {@code alert.subject.mustache}, {@code alert.txt.mustache} and
 * {@code alert.html.mustache} in {@code config/templates/}. Mustache.java renders them from the notification
 * alone (see {@link AlertView}), so a template cannot reach a secret. The HTML template's {@code {{value}}} is
 * HTML-escaped; the subject and text templates are not escaped (they are not HTML).
 */
public final class AlertTemplates {

    public static final String SUBJECT = "alert.subject.mustache";
    public static final String TEXT = "alert.txt.mustache";
    public static final String HTML = "alert.html.mustache";

    private final Mustache subject;
    private final Mustache text;
    private final Mustache html;

    private AlertTemplates(Mustache subject, Mustache text, Mustache html) {
        this.subject = subject;
        this.text = text;
        this.html = html;
    }

    /**
     * Compiles the three templates of a folder; partials ({@code {{> name}}}) resolve inside it.
     *
     * @throws IOException naming the missing or unreadable template, or the one that does not compile
     */
    public static AlertTemplates load(Path templatesDir) throws IOException {
        DefaultMustacheFactory plain = new DefaultMustacheFactory(templatesDir.toFile()) {
            @Override
            public void encode(String value, Writer writer) {
                try {
                    writer.write(value);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        DefaultMustacheFactory escaped = new DefaultMustacheFactory(templatesDir.toFile());
        return new AlertTemplates(compile(plain, templatesDir, SUBJECT), compile(plain, templatesDir, TEXT),
                compile(escaped, templatesDir, HTML));
    }

    private static Mustache compile(DefaultMustacheFactory factory, Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        String source;
        try {
            source = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException("alert template " + file + " is missing", e);
        }
        try {
            return factory.compile(new StringReader(source), name);
        } catch (MustacheException e) {
            throw new IOException("alert template " + file + " does not compile: " + e.getMessage(), e);
        }
    }

    public RenderedMail render(Notification n) {
        Map<String, Object> view = AlertView.of(n);
        return new RenderedMail(AlertView.oneLine(run(subject, view)), run(text, view), run(html, view));
    }

    private static String run(Mustache template, Map<String, Object> view) {
        StringWriter out = new StringWriter();
        template.execute(out, view);
        return out.toString();
    }
}
