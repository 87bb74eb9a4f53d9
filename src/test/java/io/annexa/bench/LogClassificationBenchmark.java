package io.annexa.bench;

import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.log.Classification;
import io.annexa.ingestion.log.LogClassifier;
import io.annexa.ingestion.log.SyslogLineParser;
import io.annexa.ingestion.log.SyslogRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parse and classify every line of the real OpenSSH_2k.log (2,000 lines) per operation, on one thread:
 * lines per second = ops/s x 2,000. {@code parse} alone shows how the time splits between the two.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LogClassificationBenchmark {

    private static final String CORPUS = "/corpus/loghub/OpenSSH_2k.log";

    private String[] lines;
    private SyslogLineParser parser;
    private LogClassifier classifier;

    @Setup
    public void load() throws IOException {
        try (InputStream in = LogClassificationBenchmark.class.getResourceAsStream(CORPUS)) {
            if (in == null) {
                throw new IOException(CORPUS + " is not on the classpath: run with the test classpath");
            }
            List<String> read = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            lines = read.toArray(String[]::new);
        }
        // a fixed reference: the year placement must not depend on when the benchmark runs
        parser = new SyslogLineParser(Instant.parse("2026-01-05T00:00:00Z"), ZoneOffset.UTC);
        classifier = new LogClassifier();
    }

    @Benchmark
    public void parseAndClassify(Blackhole blackhole) throws InvalidInputException {
        for (int i = 0; i < lines.length; i++) {
            SyslogRecord record = parser.parse(lines[i], CORPUS, i + 1);
            Classification classification = classifier.classify(record.host(), record);
            blackhole.consume(classification);
        }
    }

    @Benchmark
    public void parse(Blackhole blackhole) throws InvalidInputException {
        for (int i = 0; i < lines.length; i++) {
            blackhole.consume(parser.parse(lines[i], CORPUS, i + 1));
        }
    }
}
