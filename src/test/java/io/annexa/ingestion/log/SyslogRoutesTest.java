package io.annexa.ingestion.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.annexa.evidence.LogEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code syslog-udp} and {@code syslog-tcp} routes of {@code integrations/syslog.camel.yaml}, with real sockets. */
class SyslogRoutesTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String RFC3164 = "<38>Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186";
    /** Sent a minute ago, well within the clock skew allowed: taken as it is. */
    private static final Instant SENT = Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    private static final String RFC5424 = "<38>1 " + SENT + " web1.example.org sshd 4242 - [meta seq=\"1\"] "
            + "Failed password for root from 192.0.2.4 port 50022 ssh2";
    private static final String NO_HOST = "<86>1 2026-11-28T10:00:01Z - sudo - - - alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id";

    @TempDir
    Path temp;

    private LogSourcesRuntime sources;

    @AfterEach
    void tearDown() throws IOException {
        if (connection != null) {
            connection.close();
        }
        if (sources != null) {
            sources.close();
        }
    }

    @Test
    void udpDatagramsOfBothFormatsBecomeEvents() throws Exception {
        start();
        try (DatagramSocket socket = new DatagramSocket()) {
            for (String message : new String[] {RFC3164, RFC5424 + "\n", NO_HOST}) {
                byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"), sources.syslogPort()));
            }
        }

        await().atMost(DEADLINE).until(() -> sources.events().size() == 3);
        assertThat(sources.events()).extracting(LogEvent::getAsset, LogEvent::getProgram, LogEvent::getKind)
                .containsExactlyInAnyOrder(
                        tuple("labsz", "sshd", "invalid_user"),
                        tuple("web1.example.org", "sshd", "auth_failure"),
                        // no host in the message: filed under the sender's address
                        tuple("127.0.0.1", "sudo", "privilege_use"));
        assertThat(sources.events()).filteredOn(e -> e.getAsset().equals("web1.example.org")).singleElement()
                .satisfies(e -> {
                    assertThat(e.getTimestamp()).isEqualTo(SENT);
                    assertThat(e.getAttributes()).doesNotContainKey("claimed_time");
                    assertThat(e.attribute("source_ip")).isEqualTo("192.0.2.4");
                    assertThat(e.getRaw()).isEqualTo(RFC5424);
                });
        assertThat(sources.counters("syslog-udp").itemsRead()).isEqualTo(3);
        assertThat(sources.counters("syslog-udp").errors()).isZero();
    }

    @Test
    void aUdpDatagramLongerThanNettysDefaultBufferArrivesWhole() throws Exception {
        start();
        String user = "u".repeat(5000);
        String message = "<38>Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user " + user + " from 173.234.31.186";
        try (DatagramSocket socket = new DatagramSocket()) {
            byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"), sources.syslogPort()));
        }

        await().atMost(DEADLINE).until(() -> sources.events().size() == 1);
        assertThat(sources.events().get(0).attribute("user")).isEqualTo(user);
        assertThat(sources.events().get(0).getRaw()).isEqualTo(message);
    }

    @Test
    void tcpNewlineFramedMessagesBecomeEvents() throws Exception {
        start();
        send(RFC3164 + "\n" + RFC5424 + "\r\n" + NO_HOST + "\n");

        await().atMost(DEADLINE).until(() -> sources.events().size() == 3);
        assertThat(sources.events()).extracting(LogEvent::getAsset)
                .containsExactly("labsz", "web1.example.org", "127.0.0.1");
        assertThat(sources.counters("syslog-tcp").itemsRead()).isEqualTo(3);
    }

    @Test
    void tcpOctetCountedMessagesBecomeEventsAlsoMixedWithNewlineFramedOnes() throws Exception {
        start();
        String multiLine = "<38>1 2026-11-28T10:00:02Z web2 sshd 1 - - Accepted publickey for alice from 192.0.2.5 port 1 ssh2\nsecond line";
        send(octetCounted(RFC5424) + octetCounted(multiLine) + RFC3164 + "\n" + octetCounted(NO_HOST));

        await().atMost(DEADLINE).until(() -> sources.events().size() == 4);
        assertThat(sources.events()).extracting(LogEvent::getAsset, LogEvent::getKind).containsExactly(
                tuple("web1.example.org", "auth_failure"),
                tuple("web2", "auth_success"),
                tuple("labsz", "invalid_user"),
                tuple("127.0.0.1", "privilege_use"));
        assertThat(sources.counters("syslog-tcp").errors()).isZero();
    }

    @Test
    void malformedMessagesAreDeadLetteredAndCountedAndTheReceiverGoesOn() throws Exception {
        start();
        send("this is not syslog\n" + RFC3164 + "\n");
        try (DatagramSocket socket = new DatagramSocket()) {
            byte[] bytes = "<13>1 2026-13-01T00:00:00Z host app - - - bad month".getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"), sources.syslogPort()));
        }

        await().atMost(DEADLINE).until(() -> sources.counters("syslog-tcp").deadLetters() == 1
                && sources.counters("syslog-udp").deadLetters() == 1);
        assertThat(sources.rejectedItems("syslog-tcp")).singleElement().asString()
                .contains("# input: network")
                .contains("from 127.0.0.1: syslog-tcp message from 127.0.0.1: not a syslog message: no <priority> at its start")
                .contains("\n\tthis is not syslog\n");
        assertThat(sources.rejectedItems("syslog-udp")).singleElement().asString()
                .contains("invalid RFC 5424 timestamp '2026-13-01T00:00:00Z'");
        assertThat(sources.counters("syslog-tcp").errors()).isEqualTo(1);

        // Neither route stopped, and the same connection still delivers.
        send(RFC5424 + "\n");
        await().atMost(DEADLINE).until(() -> sources.events().size() == 2);
        assertThat(sources.route("syslog-tcp").state()).isEqualTo("Started");
        assertThat(sources.route("syslog-udp").state()).isEqualTo("Started");
    }

    @Test
    void aTooLongMessageIsDeadLetteredAndTheNextOneArrives() throws Exception {
        start("annexa.sources.syslog.max-message-bytes", "2048");
        send("<13>" + "x".repeat(5000) + "\n" + RFC3164 + "\n");

        await().atMost(DEADLINE).until(() -> sources.events().size() == 1);
        assertThat(sources.rejectedItems("syslog-tcp")).singleElement().asString()
                .contains("longer than 2048 bytes (annexa.sources.syslog.max-message-bytes)");
    }

    @Test
    void aTimestampFarInTheFutureIsReplacedByNowKeptAsClaimedAndCounted() throws Exception {
        start();
        Instant before = Instant.now();
        // dated 2999: in the engine it would never expire
        send("<38>1 2999-01-01T00:00:00Z web1 sshd 1 - - Failed password for root from 192.0.2.4 port 50022 ssh2\n"
                + "<38>1 " + before + " web1 sshd 1 - - Failed password for root from 192.0.2.4 port 50023 ssh2\n");

        await().atMost(DEADLINE).until(() -> sources.events().size() == 2);
        LogEvent future = sources.events().get(0);
        assertThat(future.getTimestamp()).isBetween(before, Instant.now());
        assertThat(future.attribute("claimed_time")).isEqualTo("2999-01-01T00:00:00Z");
        assertThat(sources.events().get(1).getTimestamp()).isEqualTo(before);
        assertThat(sources.events().get(1).getAttributes()).doesNotContainKey("claimed_time");
        assertThat(sources.counters("syslog-tcp").flags()).containsEntry("clock_skew", 1L);
    }

    @Test
    void aTimestampFarInThePastIsReplacedByNowKeptAsClaimedAndCounted() throws Exception {
        start();
        Instant before = Instant.now();
        // dated 1999: in the engine it would expire at once, outside every window a rule counts in
        send("<38>1 1999-01-01T00:00:00Z web1 sshd 1 - - Failed password for root from 192.0.2.4 port 50022 ssh2\n");
        // two hours back over UDP, RFC 3164 (no year, no zone: read in this machine's zone)
        Instant twoHoursAgo = before.minus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String stamp = java.time.format.DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", java.util.Locale.ENGLISH)
                .withZone(java.time.ZoneId.systemDefault()).format(twoHoursAgo);
        try (DatagramSocket socket = new DatagramSocket()) {
            byte[] bytes = ("<38>" + stamp + " web2 sshd[1]: Failed password for root from 192.0.2.5 port 1 ssh2")
                    .getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"), sources.syslogPort()));
        }

        await().atMost(DEADLINE).until(() -> sources.events().size() == 2);
        LogEvent tcp = sources.events().stream().filter(e -> e.getAsset().equals("web1")).findFirst().orElseThrow();
        assertThat(tcp.getTimestamp()).isBetween(before, Instant.now());
        assertThat(tcp.attribute("claimed_time")).isEqualTo("1999-01-01T00:00:00Z");
        assertThat(sources.counters("syslog-tcp").flags()).containsEntry("clock_skew", 1L);
        LogEvent udp = sources.events().stream().filter(e -> e.getAsset().equals("web2")).findFirst().orElseThrow();
        assertThat(udp.getTimestamp()).isBetween(before, Instant.now());
        assertThat(udp.attribute("claimed_time")).isEqualTo(twoHoursAgo.toString());
        assertThat(sources.counters("syslog-udp").flags()).containsEntry("clock_skew", 1L);
    }

    @Test
    void withASkewOfOneMinuteATimeFiveMinutesAheadIsReplacedAndOneThirtySecondsAheadIsKept() throws Exception {
        start("annexa.sources.logs.max-clock-skew", "1m");
        Instant before = Instant.now();
        Instant fiveMinutes = before.plus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Instant thirtySeconds = before.plusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        send("<38>1 " + fiveMinutes + " web1 sshd 1 - - Failed password for root from 192.0.2.4 port 50022 ssh2\n"
                + "<38>1 " + thirtySeconds + " web2 sshd 1 - - Failed password for root from 192.0.2.4 port 50023 ssh2\n");

        await().atMost(DEADLINE).until(() -> sources.events().size() == 2);
        assertThat(sources.events().get(0).getTimestamp()).isBetween(before, Instant.now());
        assertThat(sources.events().get(0).attribute("claimed_time")).isEqualTo(fiveMinutes.toString());
        assertThat(sources.events().get(1).getTimestamp()).isEqualTo(thirtySeconds);
        assertThat(sources.events().get(1).getAttributes()).doesNotContainKey("claimed_time");
        assertThat(sources.counters("syslog-tcp").flags()).containsEntry("clock_skew", 1L);
    }

    @Test
    void oldTimesAreKeptWhenTheOperatorSaysSoForARelaysBacklog() throws Exception {
        start("annexa.sources.syslog.clamp-old-timestamps", "false");
        send("<38>1 1999-01-01T00:00:00Z web1 sshd 1 - - Failed password for root from 192.0.2.4 port 50022 ssh2\n");

        await().atMost(DEADLINE).until(() -> sources.events().size() == 1);
        assertThat(sources.events().get(0).getTimestamp()).isEqualTo(Instant.parse("1999-01-01T00:00:00Z"));
        assertThat(sources.counters("syslog-tcp").flags()).doesNotContainKey("clock_skew");
    }

    @Test
    void aHostNameItsSenderMayNotUseIsFiledUnderTheSendersAddressAndFlagged() throws Exception {
        start("annexa.sources.syslog.trusted-senders", "127.0.0.1/32=*.example.org");
        send(RFC5424 + "\n" + RFC3164 + "\n");

        await().atMost(DEADLINE).until(() -> sources.events().size() == 2);
        assertThat(sources.events()).extracting(LogEvent::getAsset, e -> e.attribute("claimed_host")).containsExactly(
                tuple("web1.example.org", ""),
                // LabSZ is no *.example.org: this sender may not speak for it
                tuple("127.0.0.1", "labsz"));
        assertThat(sources.counters("syslog-tcp").flags()).containsEntry("untrusted_host", 1L);
    }

    @Test
    void aSenderOutsideEveryTrustedNetworkNamesNoHost() throws Exception {
        start("annexa.sources.syslog.trusted-senders", "10.0.0.0/8=*");
        send(RFC5424 + "\n");

        await().atMost(DEADLINE).until(() -> sources.events().size() == 1);
        assertThat(sources.events().get(0).getAsset()).isEqualTo("127.0.0.1");
        assertThat(sources.events().get(0).attribute("claimed_host")).isEqualTo("web1.example.org");
        assertThat(sources.counters("syslog-tcp").flags()).containsEntry("untrusted_host", 1L);
    }

    @Test
    void aHostNameThatIsNoAssetNameIsDeadLetteredNamingTheField() throws Exception {
        start();
        String host = "h".repeat(300);
        send("<38>1 2026-11-28T10:00:00Z " + host + " sshd 1 - - Failed password for root from 192.0.2.4 port 1 ssh2\n"
                + RFC3164 + "\n");

        await().atMost(DEADLINE).until(() -> sources.events().size() == 1);
        assertThat(sources.rejectedItems("syslog-tcp")).singleElement().asString()
                .contains("syslog-tcp message from 127.0.0.1: HOSTNAME '" + "h".repeat(64) + "… (300 characters)' is not a"
                        + " valid asset name: it is 300 characters long, more than 253");
        assertThat(sources.counters("syslog-tcp").deadLetters()).isEqualTo(1);
    }

    @Test
    void theReceiverIsOffWhenDisabled() throws Exception {
        start("annexa.sources.syslog.enabled", "false");

        assertThat(sources.route("syslog-udp").state()).isEqualTo("Stopped");
        assertThat(sources.route("syslog-tcp").state()).isEqualTo("Stopped");
    }

    private void start(String... settings) throws Exception {
        sources = new LogSourcesRuntime(temp);
        for (int i = 0; i < settings.length; i += 2) {
            sources.set(settings[i], settings[i + 1]);
        }
        sources.start();
    }

    private static String octetCounted(String message) {
        return message.getBytes(StandardCharsets.UTF_8).length + " " + message;
    }

    private Socket connection;

    /** Over one connection for the whole test, as a syslog daemon forwards. */
    private void send(String text) throws IOException {
        if (connection == null) {
            connection = new Socket("127.0.0.1", sources.syslogPort());
        }
        OutputStream out = connection.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
