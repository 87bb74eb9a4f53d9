package io.annexa.ingestion.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SSH server (Apache MINA SSHD) on a loopback port for the collection tests: SFTP serves a folder as the
 * host's {@code /}, and exec answers {@code sshd -T} and {@code auditctl -l} from files; any other command fails with
 * 127, and every command and every SFTP request that would change something is recorded, so tests can show that a
 * collection only reads.
 */
public final class EmbeddedSshHost implements AutoCloseable {

    private final SshServer server;
    final KeyPair hostKey;
    final ConcurrentLinkedQueue<String> commands = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> changes = new ConcurrentLinkedQueue<>();
    final AtomicInteger logins = new AtomicInteger();

    /**
     * @param root     the host's {@code /}
     * @param outputs  command line to the file holding its output (absent file: the command fails as not found)
     * @param userKey  the only key a user may log in with
     */
    public EmbeddedSshHost(Path root, Map<String, Path> outputs, KeyPair hostKey, PublicKey userKey) throws IOException {
        this.hostKey = hostKey;
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, userKey));
        server.addSessionListener(new org.apache.sshd.common.session.SessionListener() {
            @Override
            public void sessionEvent(org.apache.sshd.common.session.Session session, Event event) {
                if (event == Event.Authenticated) {
                    logins.incrementAndGet();
                }
            }
        });
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        SftpSubsystemFactory sftp = new SftpSubsystemFactory();
        sftp.addSftpEventListener(new SftpEventListener() {
            @Override
            public void writing(ServerSession session, String remoteHandle, FileHandle localHandle, long offset, byte[] data,
                                int dataOffset, int dataLen) {
                changes.add("write " + localHandle.getFile());
            }

            @Override
            public void creating(ServerSession session, Path path, Map<String, ?> attrs) {
                changes.add("mkdir " + path);
            }

            @Override
            public void moving(ServerSession session, Path srcPath, Path dstPath, java.util.Collection<java.nio.file.CopyOption> opts) {
                changes.add("move " + srcPath);
            }

            @Override
            public void removing(ServerSession session, Path path, boolean isDirectory) {
                changes.add("remove " + path);
            }

            @Override
            public void linking(ServerSession session, Path source, Path target, boolean symLink) {
                changes.add("link " + source);
            }

            @Override
            public void modifyingAttributes(ServerSession session, Path path, Map<String, ?> attrs) {
                changes.add("setstat " + path);
            }
        });
        server.setSubsystemFactories(List.of(sftp));
        server.setFileSystemFactory(new VirtualFileSystemFactory(root.toAbsolutePath()));
        server.setCommandFactory((channel, command) -> new FileCommand(command, outputs.get(command)));
        // for the jump host test: the same server is the jump host and, through it, the host
        server.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
        server.start();
    }

    public int port() {
        return server.getPort();
    }

    /** The known_hosts line pinning this server's key for {@code name} on its port. */
    public String knownHostsLine(String name) {
        return "[" + name + "]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    public void stop() throws IOException {
        server.stop(true);
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }

    /** Answers a command from a file, as a real host would print it. */
    private final class FileCommand implements Command {
        private final String command;
        private final Path output;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        FileCommand(String command, Path output) {
            this.command = command;
            this.output = output;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            commands.add(command);
            if (output != null && Files.isRegularFile(output)) {
                out.write(Files.readAllBytes(output));
                out.flush();
                exit.onExit(0);
            } else {
                err.write(("bash: " + command.split(" ")[0] + ": command not found\n").getBytes(StandardCharsets.UTF_8));
                err.flush();
                exit.onExit(127);
            }
        }

        @Override
        public void destroy(ChannelSession channel) {
        }

        @Override
        public void setInputStream(InputStream in) {
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }
    }
}
