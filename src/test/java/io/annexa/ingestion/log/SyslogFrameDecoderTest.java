package io.annexa.ingestion.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyslogFrameDecoderTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new SyslogFrameDecoder(64));

    @Test
    void newlineFramedMessagesAreCutAtEachNewlineWithoutTheLineEnd() {
        send("<13>one\n<13>two\r\n\n<13>thr");

        assertThat(received()).containsExactly(message("<13>one"), message("<13>two"));
        send("ee\n");
        assertThat(received()).containsExactly(message("<13>three"));
    }

    @Test
    void octetCountedMessagesAreCutByTheirLengthAndMayContainNewlines() {
        send("14 <13>one\ntwo xx7 <13>abc");

        assertThat(received()).containsExactly(message("<13>one\ntwo xx"), message("<13>abc"));
    }

    @Test
    void eachMessageIsFramedOnItsOwnSoASenderMayMixBoth() {
        send("<13>lf one\n11 <13>counted<13>lf two\n");

        assertThat(received()).containsExactly(message("<13>lf one"), message("<13>counted"), message("<13>lf two"));
    }

    @Test
    void anOctetCountedMessageSplitAcrossReadsWaitsForItsLastByte() {
        send("1");
        send("5 <13>");
        assertThat(received()).isEmpty();
        send("0123456789");
        assertThat(received()).isEmpty();
        send("x");
        assertThat(received()).containsExactly(message("<13>0123456789x"));
    }

    @Test
    void aLineStartingWithANumberButNoPriorityIsNotTakenForALength() {
        send("404 not found\n<13>next\n");

        assertThat(received()).containsExactly(message("404 not found"), message("<13>next"));
    }

    @Test
    void allMessagesOfOneReadArriveAsOneBatch() {
        send("<13>a\n<13>b\n<13>c\n");

        assertThat(channel.<List<SyslogFrame>>readInbound()).hasSize(3);
        assertThat(channel.<Object>readInbound()).isNull();
    }

    @Test
    void aTooLongLineIsCutAndTheRestUpToItsNewlineSkipped() {
        String longLine = "<13>" + "x".repeat(100);
        send(longLine.substring(0, 70));
        assertThat(received()).containsExactly(SyslogFrame.cut(longLine.substring(0, 70)));
        send(longLine.substring(70) + "\n<13>next\n");

        assertThat(received()).containsExactly(message("<13>next"));
    }

    @Test
    void aTooLongLineInOneReadIsCutAndTheNextMessageStillArrives() {
        String longLine = "<13>" + "y".repeat(100);
        send(longLine + "\n<13>next\n");

        assertThat(received()).containsExactly(SyslogFrame.cut(longLine), message("<13>next"));
    }

    @Test
    void aTooLongOctetCountedMessageIsCutAndItsRestSkippedByItsLength() {
        String body = "<13>" + "z".repeat(96);
        send(body.length() + " " + body.substring(0, 30));
        assertThat(received()).containsExactly(SyslogFrame.cut(body.substring(0, 30)));
        send(body.substring(30) + "<13>after\n");

        assertThat(received()).containsExactly(message("<13>after"));
    }

    @Test
    void aLastMessageWithoutNewlineArrivesWhenTheSenderCloses() {
        send("<13>one\n<13>last");
        assertThat(received()).containsExactly(message("<13>one"));

        channel.finish();
        assertThat(received()).containsExactly(message("<13>last"));
    }

    @Test
    void textIsUtf8() {
        send("<13>Grüße ✓\n");

        assertThat(received()).containsExactly(message("<13>Grüße ✓"));
    }

    private void send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private List<SyslogFrame> received() {
        List<SyslogFrame> frames = new ArrayList<>();
        for (List<SyslogFrame> batch = channel.readInbound(); batch != null; batch = channel.readInbound()) {
            frames.addAll(batch);
        }
        return frames;
    }

    private static SyslogFrame message(String text) {
        return SyslogFrame.message(text);
    }
}
