package io.annexa.ingestion.log;

import io.annexa.evidence.AssetNames;
import io.annexa.evidence.EventAttribute;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.SourceContext;
import io.annexa.ingestion.SourceMonitor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.NettyConstants;

/**
 * The step of the {@code syslog-udp} and {@code syslog-tcp} routes: parses each received message (RFC 5424 or
 * RFC 3164), classifies it and hands the events over. A message's asset is the host it names if its sender may
 * speak for that host ({@link SenderTrust}, {@code annexa.sources.syslog.trusted-senders}), else the sender's
 * address: then the events carry the name the message claimed as {@code claimed_host}, and the route counts
 * {@code untrusted_host}. A message that cannot be parsed, names a host that is no valid asset name, or was too
 * long, is dead-lettered (into the route's one rolling dead-letter file); the others, and the route, go on. A time
 * further than {@code annexa.sources.logs.max-clock-skew} from now, ahead or behind, is replaced by the time of receipt
 * ({@link #CLAMP_OLD}); the event keeps the claimed one as {@code claimed_time} and the route counts {@code clock_skew}.
 *
 * <p>The body is a UDP datagram ({@code byte[]}, one message) or what {@link SyslogFrameDecoder} cut from a
 * TCP read ({@code List<SyslogFrame>}). Called from several Netty threads at once: keeps no state per call (only the asset names of senders).
 *
 * <p>When the engine is full, a TCP read waits for room on its Netty thread, which then reads no more from its
 * connections, so TCP's flow control slows the senders down. A datagram cannot be held back: its events are
 * dropped and the route counts {@code dropped}.
 */
public final class SyslogIngest implements Processor {

    /** Attribute of an event filed under its sender's address: the host name the message claimed. */
    static final String CLAIMED_HOST = EventAttribute.CLAIMED_HOST.name();

    /**
     * On by default: a sender's clock is not Annexa's, and a time behind now minus the skew would expire at once, so a
     * sender whose clock lags (or that backdates on purpose) would keep its events out of every rule counting over time.
     */
    static final String CLAMP_OLD = "annexa.sources.syslog.clamp-old-timestamps";

    private final LogPipeline pipeline;
    private final SyslogMessageParser parser;
    private final int maxBytes;
    private final SenderTrust trust;
    private final Map<String, String> senderAssets = new ConcurrentHashMap<>();

    public SyslogIngest(SourceContext context) {
        this(LogPipeline.live(context, CLAMP_OLD, true), maxMessageBytes(context),
                SenderTrust.parse(context.settings().apply(SenderTrust.SETTING).orElse(SenderTrust.DEFAULT)));
    }

    SyslogIngest(LogPipeline pipeline, int maxBytes, SenderTrust trust) {
        this.pipeline = pipeline;
        this.parser = new SyslogMessageParser(Clock.systemUTC(), pipeline.zone());
        this.maxBytes = maxBytes;
        this.trust = trust;
    }

    static int maxMessageBytes(SourceContext context) {
        return context.setting("annexa.sources.syslog.max-message-bytes").map(Integer::parseInt).orElse(65_536);
    }

    @Override
    public void process(Exchange exchange) {
        String routeId = exchange.getFromRouteId();
        SocketAddress remote = exchange.getIn().getHeader(NettyConstants.NETTY_REMOTE_ADDRESS, SocketAddress.class);
        InetSocketAddress inet = remote instanceof InetSocketAddress i && i.getAddress() != null ? i : null;
        String sender = inet != null ? inet.getAddress().getHostAddress() : "unknown-sender";
        String origin = routeId + " message from " + sender;
        List<SyslogFrame> frames = frames(exchange);
        boolean datagram = !(exchange.getIn().getBody() instanceof List<?>);
        LogIntake intake = datagram ? pipeline.droppingIntake(routeId, "network") : pipeline.intake(routeId, "network");
        for (SyslogFrame frame : frames) {
            String where = "from " + sender;
            if (frame.tooLong()) {
                intake.reject(where, frame.text(), origin + ": longer than " + maxBytes
                        + " bytes (annexa.sources.syslog.max-message-bytes); only its start is kept here");
                continue;
            }
            try {
                SyslogRecord record = parser.parse(frame.text(), origin);
                String claimed = record.host().isBlank() ? null : AssetNames.validate("HOSTNAME", record.host());
                if (claimed != null && trust.allows(inet, claimed)) {
                    intake.record(record, claimed, Map.of(), where, origin);
                } else if (claimed != null) {
                    pipeline.monitor().flag(routeId, SourceMonitor.UNTRUSTED_HOST, 1);
                    intake.record(record, senderAsset(sender), Map.of(CLAIMED_HOST, claimed), where, origin);
                } else {
                    intake.record(record, senderAsset(sender), Map.of(), where, origin);
                }
            } catch (InvalidInputException e) {
                intake.reject(where, frame.text(), e.getMessage());
            } catch (IllegalArgumentException e) {
                intake.reject(where, frame.text(), origin + ": " + e.getMessage());
            }
        }
        intake.flush();
    }

    /** The sender's address as an asset name; remembered, as senders are few and send often. */
    private String senderAsset(String sender) {
        if (senderAssets.size() > 10_000) {
            senderAssets.clear();
        }
        return senderAssets.computeIfAbsent(sender, AssetNames::ofAddress);
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
}
