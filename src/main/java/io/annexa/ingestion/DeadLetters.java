package io.annexa.ingestion;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The shared error handler's last step (see {@code integrations/error-handling.camel.yaml}): keeps a
 * copy of the input that failed and a {@code .reason} file saying what and where, under
 * {@code <data>/dead-letter/<route id>/}, and counts the failure. The route then carries on.
 */
public final class DeadLetters implements Processor {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class.getName());
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path directory;
    private final SourceMonitor monitor;

    public DeadLetters(Path directory, SourceMonitor monitor) {
        this.directory = directory;
        this.monitor = monitor;
    }

    @Override
    public void process(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String routeId = exchange.getFromRouteId();
        String reason = cause == null ? "unknown error" : describe(cause);
        Instant now = Instant.now();
        boolean kept = false;
        try {
            Path folder = Files.createDirectories(directory.resolve(routeId));
            String name = STAMP.format(now) + "-" + inputName(exchange);
            Object body = exchange.getIn().getBody();
            if (body instanceof File || body instanceof org.apache.camel.component.file.GenericFile<?>) {
                Path input = exchange.getIn().getBody(File.class).toPath();
                if (Files.isRegularFile(input)) {
                    Files.copy(input, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            } else if (body != null) {
                Files.write(folder.resolve(name), exchange.getIn().getBody(byte[].class));
            }
            Files.writeString(folder.resolve(name + ".reason"), "route: " + routeId + "\nat: " + now
                    + "\ninput: " + exchange.getIn().getHeader(Exchange.FILE_PATH, "(not a file)", String.class)
                    + "\nreason: " + reason + "\n", StandardCharsets.UTF_8);
            kept = true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "cannot dead-letter input of route " + routeId + " (" + reason + ")", e);
        }
        monitor.failed(routeId, reason, kept);
        LOG.warning(() -> "route " + routeId + " rejected an input: " + reason);
    }

    /**
     * Keeps one rejected item of an input that is otherwise read on (a log line, a network message) with its
     * {@code .reason}, and counts it: for sources where one bad item must not fail the whole read, so nothing
     * is thrown to the route's error handler. Never throws; a dead letter that cannot be written is logged.
     */
    public synchronized void store(String routeId, String name, String content, String reason) {
        Instant now = Instant.now();
        boolean kept = false;
        try {
            Path folder = Files.createDirectories(directory.resolve(routeId));
            String base = STAMP.format(now) + "-" + name.replaceAll("[^A-Za-z0-9._-]", "_");
            String unique = base;
            // Several items of one input can fail within the same millisecond.
            for (int n = 2; Files.exists(folder.resolve(unique)); n++) {
                unique = base + "-" + n;
            }
            Files.writeString(folder.resolve(unique), content, StandardCharsets.UTF_8);
            Files.writeString(folder.resolve(unique + ".reason"), "route: " + routeId + "\nat: " + now
                    + "\ninput: " + name + "\nreason: " + reason + "\n", StandardCharsets.UTF_8);
            kept = true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "cannot dead-letter input of route " + routeId + " (" + reason + ")", e);
        }
        monitor.failed(routeId, reason, kept);
        // Not a warning per item: a flood of bad lines would drown the log; the counters and files tell.
        LOG.fine(() -> "route " + routeId + " rejected " + name + ": " + reason);
    }

    private static String inputName(Exchange exchange) {
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        return name == null ? exchange.getExchangeId() : name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String describe(Exception cause) {
        if (cause instanceof InvalidInputException) {
            return cause.getMessage();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
