package io.annexa.ingestion.log;

import io.annexa.ingestion.InvalidInputException;
import io.annexa.ingestion.SourceContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.NettyConstants;

/**
 * The step of the {@code syslog-udp} and {@code syslog-tcp} routes: parses each received message (RFC 5424 or
 * RFC 3164), classifies it and hands the events over. A message's asset is the host it names, else the
 * sender's address. A message that cannot be parsed, or was too long, is dead-lettered on its own; the
 * others of the same read, and the route, go on.
 *
 * <p>The body is a UDP datagram ({@code byte[]}, one message) or what {@link SyslogFrameDecoder} cut from a
 * TCP read ({@code List<SyslogFrame>}). Called from several Netty threads at once: keeps no state per call.
 */
public final class SyslogIngest implements Processor {

    private final LogPipeline pipeline;
    private final SyslogMessageParser parser;
    private final int maxBytes;

    public SyslogIngest(SourceContext context) {
        this(LogPipeline.of(context), maxMessageBytes(context));
    }

    SyslogIngest(LogPipeline pipeline, int maxBytes) {
        this.pipeline = pipeline;
        this.parser = new SyslogMessageParser(Clock.systemUTC(), pipeline.zone());
        this.maxBytes = maxBytes;
    }

    static int maxMessageBytes(SourceContext context) {
        return context.setting("annexa.sources.syslog.max-message-bytes").map(Integer::parseInt).orElse(65_536);
    }

    @Override
    public void process(Exchange exchange) {
        String routeId = exchange.getFromRouteId();
        String sender = sender(exchange);
        String origin = routeId + " message from " + sender;
        LogIntake intake = pipeline.intake(routeId);
        for (SyslogFrame frame : frames(exchange)) {
            String name = "from-" + sender;
            if (frame.tooLong()) {
                intake.reject(name, frame.text(), origin + ": longer than " + maxBytes
                        + " bytes (annexa.sources.syslog.max-message-bytes); only its start is kept here");
                continue;
            }
            try {
                intake.record(parser.parse(frame.text(), origin), sender, name, origin);
            } catch (InvalidInputException e) {
                intake.reject(name, frame.text(), e.getMessage());
            }
        }
        intake.flush();
    }

    @SuppressWarnings("unchecked")
    private List<SyslogFrame> frames(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        if (body instanceof List<?> frames) {
            return (List<SyslogFrame>) frames;
        }
        byte[] datagram = exchange.getIn().getBody(byte[].class);
        int end = datagram.length;
        while (end > 0 && (datagram[end - 1] == '\n' || datagram[end - 1] == '\r' || datagram[end - 1] == 0)) {
            end--;
        }
        String text = new String(datagram, 0, end, StandardCharsets.UTF_8);
        // The receive buffer is max-message-bytes long: a datagram that fills it was cut by the socket.
        return List.of(datagram.length >= maxBytes ? SyslogFrame.cut(text.substring(0, Math.min(text.length(),
                SyslogFrameDecoder.CUT_BYTES))) : SyslogFrame.message(text));
    }

    /** The sender's address without port: the asset of messages that name no host. */
    private static String sender(Exchange exchange) {
        SocketAddress remote = exchange.getIn().getHeader(NettyConstants.NETTY_REMOTE_ADDRESS, SocketAddress.class);
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return remote == null ? "unknown-sender" : remote.toString();
    }
}
