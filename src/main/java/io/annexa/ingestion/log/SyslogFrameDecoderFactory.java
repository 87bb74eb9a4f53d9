package io.annexa.ingestion.log;

import io.annexa.ingestion.SourceContext;
import io.netty.channel.ChannelHandler;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;

/**
 * What the {@code syslog-tcp} route names in its {@code decoders} option. A factory rather than a decoder:
 * a decoder holds the partial message of its connection, so camel-netty must make one per connection.
 */
public final class SyslogFrameDecoderFactory extends DefaultChannelHandlerFactory {

    private final int maxBytes;

    public SyslogFrameDecoderFactory(SourceContext context) {
        this(SyslogIngest.maxMessageBytes(context));
    }

    SyslogFrameDecoderFactory(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public ChannelHandler newChannelHandler() {
        return new SyslogFrameDecoder(maxBytes);
    }
}
