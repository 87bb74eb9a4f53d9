package io.annexa.ingestion.log;

import io.annexa.evidence.AssetNames;
import io.annexa.evidence.EvidenceSink;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.SourceContext;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;

/**
 * The step of the {@code logs-inbox} route: reads a whole log file dropped in {@code <data>/inbox/logs/}
 * once. A line's asset is the host it names, else the file's name. Lines that are not syslog lines are
 * dead-lettered with their numbers, all into one dead-letter file for the file, and the rest is still read; a file larger than
 * {@code annexa.sources.logs.max-file-bytes} is rejected whole.
 */
public final class LogFileIngest implements Processor {

    static final int MAX_REMEMBERED_FILES = 10_000;

    private final LogPipeline pipeline;
    private final long maxBytes;

    public LogFileIngest(SourceContext context) {
        this(LogPipeline.history(context), context.setting("annexa.sources.logs.max-file-bytes").map(Long::parseLong)
                .orElse(104_857_600L));
    }

    LogFileIngest(LogPipeline pipeline, long maxBytes) {
        this.pipeline = pipeline;
        this.maxBytes = maxBytes;
    }

    /**
     * The files the inbox route has read, kept on disk: log lines are events, not a state a re-read replaces,
     * so reading a file again after a restart would count every failed login in it twice.
     */
    public static IdempotentRepository readFiles(SourceContext context) {
        return FileIdempotentRepository.fileIdempotentRepository(
                context.dataDirectory().resolve("offsets").resolve("logs-inbox.read").toFile(), MAX_REMEMBERED_FILES);
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Path file = exchange.getIn().getBody(File.class).toPath();
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new InvalidInputException(file.toString(), 0, "file is " + size + " bytes, more than the "
                    + maxBytes + " a log file may have (annexa.sources.logs.max-file-bytes)");
        }
        String fileAsset = asset(file);
        // Yearless timestamps belong to the year before the file was last written, not before today.
        SyslogLineParser parser = new SyslogLineParser(Files.getLastModifiedTime(file).toInstant(), pipeline.zone());
        // A file dropped in the inbox is history, hours or months old: it is replayed on its own timeline so
        // that its bursts are seen as they happened, instead of expiring on arrival in the live stream.
        try (EvidenceSink.Replay replay = pipeline.sink().replay(file.getFileName().toString())) {
            LogIntake intake = pipeline.replayIntake(exchange.getFromRouteId(), replay, file.toString());
            // Not Files.newBufferedReader: its strict decoder stops at the first byte that is not UTF-8, and
            // logs hold whatever attackers typed as user names.
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
                long number = 0;
                for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                    number++;
                    if (!text.isBlank()) {
                        intake.line(parser, new LogLine(file, number, text), fileAsset);
                    }
                    if (number % LogFollowIngest.LINES_PER_BATCH == 0) {
                        intake.flush();
                    }
                }
            }
            intake.flush();
        }
    }

    private static String asset(Path file) throws InvalidInputException {
        try {
            return AssetNames.validate("file name", file.getFileName().toString());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(AssetNames.shown(file.toString(), 4096), 0, "cannot tell which asset this file describes: " + e.getMessage());
        }
    }
}
