package io.annexa.ingestion.ssh;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * An SSH agent reached at its Unix socket, for hosts whose inventory says {@code agent:}. MINA SSHD speaks the agent
 * protocol itself ({@link AbstractAgentProxy}); its own Unix-socket client needs Tomcat's native library, so the socket
 * is opened here with the JDK's Unix domain channels (Java 16+). Only sessions whose connection context names a socket
 * use an agent: the client is shared by every host, and a host with a key file never offers the agent's keys.
 */
final class AgentSocket extends AbstractAgentProxy {

    /** The agent's socket for one session; absent: that session uses no agent. */
    static final AttributeKey<Path> SOCKET = new AttributeKey<>();
    /** An agent answer is a few kilobytes; anything near this is not an agent. */
    private static final int MAX_ANSWER = 256 * 1024;

    private final SocketChannel channel;

    private AgentSocket(Path socket) throws IOException {
        super(null);
        this.channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw new IOException("SSH agent at " + socket + " cannot be reached: " + e.getMessage(), e);
        }
    }

    @Override
    protected synchronized Buffer request(Buffer buffer) throws IOException {
        // the buffer starts with the message's length, which prepare() has filled in
        channel.write(ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available()));
        ByteBuffer length = ByteBuffer.allocate(4);
        readFully(length);
        int size = length.flip().getInt();
        if (size <= 0 || size > MAX_ANSWER) {
            throw new IOException("SSH agent answered a message of " + size + " bytes");
        }
        ByteBuffer answer = ByteBuffer.allocate(size);
        readFully(answer);
        return new ByteArrayBuffer(answer.array());
    }

    private void readFully(ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            if (channel.read(into) < 0) {
                throw new IOException("SSH agent closed the connection");
            }
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Hands each session the agent its connection context names, or none. */
    static final class Factory implements SshAgentFactory {

        @Override
        public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
            return List.of();
        }

        @Override
        public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
            AttributeRepository context = session instanceof ClientSession client ? client.getConnectionContext() : null;
            Path socket = context == null ? null : context.getAttribute(SOCKET);
            return socket == null ? null : new AgentSocket(socket);
        }

        @Override
        public SshAgentServer createServer(ConnectionService service) {
            throw new UnsupportedOperationException("agent forwarding is never offered");
        }
    }
}
