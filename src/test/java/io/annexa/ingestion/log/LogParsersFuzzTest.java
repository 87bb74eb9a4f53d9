package io.annexa.ingestion.log;

import io.annexa.evidence.AssetNames;
import io.annexa.fuzz.FuzzInputs;
import io.annexa.evidence.InvalidInputException;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The log line parser, the classifier behind it, the syslog message parser and the TCP frame decoder, fed
 * mutated real lines (LogHub's OpenSSH and Linux logs, the rules' log scenarios) and random text. A line is
 * parsed or refused with {@link InvalidInputException} naming the file and line given; the classifier
 * classifies every parsed line (it may only refuse a host that is no asset name); the decoder never throws,
 * whatever bytes arrive in whatever pieces.
 */
class LogParsersFuzzTest {

    private static final Instant READ_AT = Instant.parse("2026-11-28T10:00:00Z");
    private static final List<String> LINES = sampleLines();
    private static final List<String> MESSAGES = sampleMessages();

    @Property
    void logLineIsParsedOrRefusedAtItsLine(@ForAll("lines") String line, @ForAll("zones") ZoneId zone) {
        SyslogLineParser parser = new SyslogLineParser(READ_AT, zone);
        InvalidInputException refused = FuzzInputs.bounded(line, () -> {
            try {
                SyslogRecord record = parser.parse(line, "/var/log/auth.log", 42);
                assertThat(record.timestamp()).isNotNull();
                assertThat(List.of(record.host(), record.program(), record.pid(), record.message())).doesNotContainNull();
                return null;
            } catch (InvalidInputException e) {
                return e;
            }
        });
        if (refused != null) {
            assertThat(refused.getFile()).isEqualTo("/var/log/auth.log");
            assertThat(refused.getLine()).isEqualTo(42);
            assertThat(refused.getReason()).isNotBlank();
        }
    }

    @Property
    void everyParsedLineIsClassified(@ForAll("lines") String line) {
        SyslogRecord record;
        try {
            record = new SyslogLineParser(READ_AT, ZoneOffset.UTC).parse(line, "auth.log", 1);
        } catch (InvalidInputException e) {
            return;
        }
        String asset = record.host().isBlank() ? "fallback" : record.host();
        FuzzInputs.bounded(line, () -> {
            try {
                Classification classification = new LogClassifier().classify(asset, record);
                assertThat(classification.events()).doesNotContainNull();
            } catch (IllegalArgumentException e) {
                // the one refusal the intake expects: a host that is no asset name
                assertThat(e).isNotInstanceOf(NumberFormatException.class);
                assertThat(assetNameRefused(asset)).as("classifier threw " + e).isTrue();
            }
            return null;
        });
    }

    @Property
    void syslogMessageIsParsedOrRefusedNamingItsSender(@ForAll("messages") String message) {
        SyslogMessageParser parser = new SyslogMessageParser(Clock.fixed(READ_AT, ZoneOffset.UTC), ZoneOffset.UTC);
        InvalidInputException refused = FuzzInputs.bounded(message, () -> {
            try {
                SyslogRecord record = parser.parse(message, "syslog-tcp 192.0.2.7:514");
                assertThat(record.timestamp()).isNotNull();
                assertThat(record.raw()).isEqualTo(message);
                return null;
            } catch (InvalidInputException e) {
                return e;
            }
        });
        if (refused != null) {
            assertThat(refused.getFile()).isEqualTo("syslog-tcp 192.0.2.7:514");
            assertThat(refused.getReason()).isNotBlank();
        }
    }

    @Property
    void frameDecoderTakesAnyBytesInAnyPieces(@ForAll("streams") byte[] stream, @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 400) Integer> cuts,
                                              @ForAll @IntRange(min = 16, max = 2048) int maxBytes) {
        List<SyslogFrame> frames = decode(stream, cuts, maxBytes);
        for (SyslogFrame frame : frames) {
            assertThat(frame.text()).isNotNull();
            if (frame.tooLong()) {
                assertThat(frame.text().getBytes(StandardCharsets.UTF_8).length)
                        .isLessThanOrEqualTo(SyslogFrameDecoder.CUT_BYTES * 3);
            } else {
                assertThat(frame.text()).isNotEmpty();
            }
        }
    }

    /** However a stream of octet-counted messages is cut into reads, the same messages come out. */
    @Property
    void octetCountedMessagesSurviveAnySplit(@ForAll @Size(max = 10) List<@From("messages") String> messages, @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 400) Integer> cuts) {
        List<String> sent = messages.stream().map(m -> m.replace("\r", "").replace("\n", "").replace("\u0000", ""))
                .filter(m -> !m.isEmpty()).map(m -> "<13>" + m).toList();
        StringBuilder stream = new StringBuilder();
        for (String message : sent) {
            stream.append(message.getBytes(StandardCharsets.UTF_8).length).append(' ').append(message);
        }
        byte[] bytes = stream.toString().getBytes(StandardCharsets.UTF_8);
        List<String> received = decode(bytes, cuts, 1 << 20).stream().map(SyslogFrame::text).toList();
        assertThat(received).isEqualTo(sent.stream().map(m -> new String(m.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).toList());
    }

    private static List<SyslogFrame> decode(byte[] stream, List<Integer> cuts, int maxBytes) {
        return FuzzInputs.bounded(stream, () -> {
            EmbeddedChannel channel = new EmbeddedChannel(new SyslogFrameDecoder(maxBytes));
            int at = 0;
            for (int cut : cuts) {
                int end = Math.min(stream.length, at + cut);
                channel.writeInbound(Unpooled.copiedBuffer(stream, at, end - at));
                at = end;
            }
            channel.writeInbound(Unpooled.copiedBuffer(stream, at, stream.length - at));
            channel.finish();
            List<SyslogFrame> frames = new ArrayList<>();
            for (Object read; (read = channel.readInbound()) != null; ) {
                for (Object frame : (List<?>) read) {
                    frames.add((SyslogFrame) frame);
                }
            }
            return frames;
        });
    }

    private static boolean assetNameRefused(String asset) {
        try {
            AssetNames.normalize(asset);
            return false;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    @Provide
    Arbitrary<String> lines() {
        return FuzzInputs.text(LINES);
    }

    @Provide
    Arbitrary<String> messages() {
        return FuzzInputs.text(MESSAGES);
    }

    @Provide
    Arbitrary<byte[]> streams() {
        return FuzzInputs.bytes(MESSAGES.stream().map(m -> m.length() + " " + m + "\n" + m + "\r\n").toList());
    }

    @Provide
    Arbitrary<ZoneId> zones() {
        return Arbitraries.of(ZoneOffset.UTC, ZoneId.of("Europe/Berlin"), ZoneId.of("America/St_Johns"), ZoneId.of("Pacific/Apia"),
                ZoneOffset.ofHours(-12), ZoneOffset.ofHours(14));
    }

    /** A sample of real lines: every 20th of the LogHub logs, and every line of the log scenarios. */
    private static List<String> sampleLines() {
        List<String> lines = new ArrayList<>();
        for (String log : FuzzInputs.samples("src/test/resources/corpus/loghub", ".log")) {
            String[] all = log.split("\n");
            for (int i = 0; i < all.length; i += 20) {
                lines.add(all[i]);
            }
        }
        for (String scenario : FuzzInputs.scenarios("log")) {
            scenario.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(lines::add);
        }
        lines.add("2026-11-28T01:02:03.123456+00:00 host prog[1]: message");
        lines.add("Jun  9 04:06:20 combo logrotate: ALERT exited abnormally with [1]");
        return lines;
    }

    /** Network messages: RFC 3164 ones made from the real lines, and RFC 5424 ones. */
    private static List<String> sampleMessages() {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < LINES.size(); i += 3) {
            messages.add("<38>" + LINES.get(i));
        }
        messages.add("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] \uFEFFAn application event log entry...");
        messages.add("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8");
        messages.add("<86>1 - web1 sshd 4321 - [a x=\"q\\\"]\"][b] Accepted publickey for alice from 192.0.2.9 port 50122 ssh2");
        messages.add("<13>1 2026-11-28T10:00:00+01:00 - - - - -");
        return messages;
    }
}
