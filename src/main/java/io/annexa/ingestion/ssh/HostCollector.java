package io.annexa.ingestion.ssh;

import io.annexa.ingestion.ssh.HostInventory.Agent;
import io.annexa.ingestion.ssh.HostInventory.Host;
import io.annexa.ingestion.ssh.HostInventory.KeyFile;
import io.annexa.ingestion.ssh.HostInventory.SecretEnv;
import io.annexa.ingestion.ssh.HostInventory.SecretFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * Collects one host into a folder laid out as on the host: the evidence files with their includes over SFTP
 * ({@link SnapshotFetcher}), the output of the allowed commands under {@code .annexa/commands/<collector>}, and a
 * description of the collection in {@code .annexa/collection.properties}. It only reads: SFTP requests that read, and
 * the fixed command lines of {@link Collector}.
 *
 * <p>Everything happens within the host's timeout: past it the connection is closed under whatever waits on it, so
 * a host that stops answering half-way costs its timeout and no more.
 */
public final class HostCollector {

    /** Where a command's output goes in the snapshot; the snapshot reader looks for it there. */
    public static final String COMMANDS = ".annexa/commands";
    public static final String DESCRIPTION = ".annexa/collection.properties";
    private static final int MAX_ERROR_BYTES = 4096;
    /**
     * The key exchanges offered, in order. MINA SSHD would put the post-quantum hybrids first when BouncyCastle is on the
     * class path; BouncyCastle's pure-Java sntrup761 cost about 200 ms of CPU per connection here (90 % of a collection),
     * so only ML-KEM, which is cheap, stays ahead of X25519.
     */
    static final List<org.apache.sshd.common.kex.BuiltinDHFactories> KEY_EXCHANGES = List.of(
            org.apache.sshd.common.kex.BuiltinDHFactories.mlkem768x25519,
            org.apache.sshd.common.kex.BuiltinDHFactories.curve25519,
            org.apache.sshd.common.kex.BuiltinDHFactories.curve25519_libssh,
            org.apache.sshd.common.kex.BuiltinDHFactories.ecdhp256,
            org.apache.sshd.common.kex.BuiltinDHFactories.ecdhp384,
            org.apache.sshd.common.kex.BuiltinDHFactories.ecdhp521,
            org.apache.sshd.common.kex.BuiltinDHFactories.dhgex256,
            org.apache.sshd.common.kex.BuiltinDHFactories.dhg16_512,
            org.apache.sshd.common.kex.BuiltinDHFactories.dhg18_512,
            org.apache.sshd.common.kex.BuiltinDHFactories.dhg14_256);

    private final SshClient client;
    private final ScheduledExecutorService watchdog;
    private final SnapshotLimits limits;
    private final Function<String, String> environment;
    private final Clock clock;

    /**
     * @param client      a started client from {@link #newClient()}
     * @param watchdog    closes connections whose host ran out of time
     * @param environment where {@code ${env:NAME}} passphrases and {@code SSH_AUTH_SOCK} are looked up
     */
    HostCollector(SshClient client, ScheduledExecutorService watchdog, SnapshotLimits limits,
                  Function<String, String> environment, Clock clock) {
        this.client = client;
        this.watchdog = watchdog;
        this.limits = limits;
        this.environment = environment;
        this.clock = clock;
    }

    /**
     * An SSH client that trusts only pinned host keys, logs in only with the key or agent a host names (never
     * passwords, never keys or settings from the service user's {@code ~/.ssh}), and offers no forwarding.
     */
    public static SshClient newClient() {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(new PinnedHostKeys());
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setAgentFactory(new AgentSocket.Factory());
        client.setKeyExchangeFactories(org.apache.sshd.common.NamedFactory.setUpTransformedFactories(false, KEY_EXCHANGES,
                org.apache.sshd.client.ClientBuilder.DH2KEX));
        return client;
    }

    /** What a collection found, as written to {@link #DESCRIPTION}. */
    public record Collected(Instant at, int files, long bytes, Map<Collector, String> commands) {
    }

    /**
     * Collects the host into {@code root}, which must not exist yet.
     *
     * @throws CollectionException why nothing usable was collected: unreachable, key refused, timed out, a limit
     */
    public Collected collect(Host host, Path root) throws CollectionException {
        Instant started = clock.instant();
        Instant deadline = started.plus(host.timeout());
        Attempt attempt = new Attempt(host, deadline);
        ScheduledFuture<?> alarm = watchdog.schedule(attempt::expire, host.timeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            Files.createDirectories(root);
            ClientSession session = attempt.open();
            SnapshotFetcher.Result files = null;
            if (host.collectors().contains(Collector.FILES)) {
                attempt.phase = "reading files over SFTP";
                try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
                    files = new SnapshotFetcher(new SftpRemoteFiles(sftp), host.asset(), root, limits).fetch();
                }
            }
            Map<Collector, String> commands = new java.util.EnumMap<>(Collector.class);
            for (Collector collector : Collector.values()) {
                if (host.collectors().contains(collector) && collector.command().isPresent()) {
                    attempt.phase = "running " + collector.command().get();
                    commands.put(collector, run(session, collector, root, attempt));
                }
            }
            Collected collected = new Collected(started, files == null ? 0 : files.files(), files == null ? 0 : files.bytes(),
                    commands);
            describe(root, host, collected, files);
            return collected;
        } catch (SnapshotFetcher.LimitReached e) {
            throw new CollectionException("snapshot refused: " + e.getMessage() + "; the previous snapshot stays", e);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw attempt.failure(e);
        } finally {
            alarm.cancel(false);
            attempt.close();
        }
    }

    /** The command's output, written to the snapshot when it succeeded; what happened, for the description. */
    private String run(ClientSession session, Collector collector, Path root, Attempt attempt) throws IOException {
        Bounded out = new Bounded(limits.maxFileBytes());
        Bounded err = new Bounded(MAX_ERROR_BYTES);
        try (ChannelExec channel = session.createExecChannel(collector.command().get())) {
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(attempt.remaining());
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), attempt.remaining());
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                throw new IOException("no answer from " + collector.command().get());
            }
            if (out.overflowed) {
                throw new SnapshotFetcher.LimitReached("the output of " + collector.command().get() + " is larger than "
                        + limits.maxFileBytes() + " bytes");
            }
            Integer status = channel.getExitStatus();
            if (status == null || status != 0) {
                String error = err.text().lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
                return "exit " + (status == null ? "unknown" : status) + (error.isEmpty() ? "" : ": " + error);
            }
            Path file = root.resolve(COMMANDS).resolve(collector.id());
            Files.createDirectories(file.getParent());
            Files.write(file, out.bytes());
            return "ok";
        }
    }

    private void describe(Path root, Host host, Collected collected, SnapshotFetcher.Result files) throws IOException {
        Properties description = new Properties();
        description.setProperty("asset", host.asset());
        description.setProperty("address", host.address() + ":" + host.port());
        description.setProperty("collected-at", collected.at().toString());
        description.setProperty("collectors", String.join(",", host.collectors().stream().sorted().map(Collector::id).toList()));
        description.setProperty("files", String.valueOf(collected.files()));
        description.setProperty("bytes", String.valueOf(collected.bytes()));
        if (files != null) {
            // what the host does not have, may not be read by the collecting user, or was never fetched (secrets)
            description.setProperty("absent", String.join(",", files.absent()));
            description.setProperty("denied", String.join(",", files.denied()));
            description.setProperty("refused", String.join(",", files.refused()));
            description.setProperty("unparsed", String.join("\n", files.unparsed()));
        }
        collected.commands().forEach((collector, outcome) -> description.setProperty("command." + collector.id(), outcome));
        Path file = root.resolve(DESCRIPTION);
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            description.store(out, "one collection of " + host.asset() + " over SSH");
        }
    }

    /** The last {@code collected-at} of a published snapshot, if it has a description. */
    public static java.util.Optional<Instant> collectedAt(Path snapshot) {
        Path file = snapshot.resolve(DESCRIPTION);
        if (!Files.isRegularFile(file)) {
            return java.util.Optional.empty();
        }
        Properties description = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            description.load(in);
            return java.util.Optional.of(Instant.parse(description.getProperty("collected-at", "")));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** One attempt at one host: its sessions, its deadline and how far it got. */
    private final class Attempt implements AutoCloseable {
        private final Host host;
        private final Instant deadline;
        private final AtomicReference<String> refusal = new AtomicReference<>();
        private volatile boolean expired;
        volatile String phase = "connecting";
        /** Every session opened, the jump host's first: all are closed at the end, whatever happened. */
        private final List<ClientSession> sessions = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile ExplicitPortForwardingTracker tunnel;

        Attempt(Host host, Instant deadline) {
            this.host = host;
            this.deadline = deadline;
        }

        ClientSession open() throws IOException, GeneralSecurityException {
            String address = host.address();
            int port = host.port();
            if (host.jump().isPresent()) {
                HostInventory.Jump via = host.jump().get();
                phase = "connecting to jump host " + via.address() + ":" + via.port();
                ClientSession jump = login(via.user() != null ? via.user() : host.user(), via.address(), via.port(), via.address(),
                        via.port());
                phase = "opening a tunnel through " + via.address() + " to " + address + ":" + port;
                tunnel = jump.createLocalPortForwardingTracker(new SshdSocketAddress("127.0.0.1", 0),
                        new SshdSocketAddress(address, port));
                address = tunnel.getBoundAddress().getHostName();
                port = tunnel.getBoundAddress().getPort();
            }
            phase = "connecting";
            return login(host.user(), address, port, host.address(), host.port());
        }

        /** Connects to {@code address:port} and logs in; the host key is checked under {@code name:namePort}. */
        private ClientSession login(String user, String address, int port, String name, int namePort)
                throws IOException, GeneralSecurityException {
            Map<AttributeRepository.AttributeKey<?>, Object> context = new HashMap<>();
            context.put(PinnedHostKeys.PIN, new PinnedHostKeys.Pin(host.knownHosts(), name, namePort, refusal));
            if (host.auth() instanceof Agent agent) {
                context.put(AgentSocket.SOCKET, agentSocket(agent));
            }
            ClientSession opened = client.connect(user, address, port, AttributeRepository.ofAttributesMap(context), null)
                    .verify(remaining()).getSession();
            sessions.add(opened);
            if (host.auth() instanceof KeyFile key) {
                for (KeyPair pair : keys(key)) {
                    opened.addPublicKeyIdentity(pair);
                }
            }
            phase = "authenticating as " + user + " at " + name;
            opened.auth().verify(remaining());
            return opened;
        }

        private Iterable<KeyPair> keys(KeyFile key) throws IOException, GeneralSecurityException {
            FilePasswordProvider passphrase = key.passphrase() == null ? FilePasswordProvider.EMPTY
                    : FilePasswordProvider.of(secret(key.passphrase()));
            try (InputStream in = Files.newInputStream(key.key())) {
                Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(key.key().toString()), in,
                        passphrase);
                if (pairs == null || !pairs.iterator().hasNext()) {
                    throw new GeneralSecurityException("no private key in " + key.key());
                }
                return pairs;
            }
        }

        private String secret(HostInventory.Secret secret) throws IOException {
            if (secret instanceof SecretFile file) {
                return Files.readAllLines(file.file(), StandardCharsets.UTF_8).stream().findFirst().orElse("");
            }
            String variable = ((SecretEnv) secret).variable();
            String value = environment.apply(variable);
            if (value == null) {
                throw new IOException("the passphrase variable " + variable + " is not set");
            }
            return value;
        }

        private Path agentSocket(Agent agent) throws IOException {
            if (agent.socket() != null) {
                return agent.socket();
            }
            String socket = environment.apply("SSH_AUTH_SOCK");
            if (socket == null || socket.isBlank()) {
                throw new IOException("agent: true, but SSH_AUTH_SOCK is not set for Annexa");
            }
            return Path.of(socket);
        }

        Duration remaining() throws IOException {
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero() || expired) {
                throw new IOException("deadline passed");
            }
            return left;
        }

        /** The watchdog: whatever waits on the connections now fails. */
        void expire() {
            expired = true;
            close();
        }

        CollectionException failure(Exception e) {
            String where = host.asset() + " (" + host.address() + ":" + host.port() + ")";
            if (refusal.get() != null) {
                return new CollectionException(refusal.get(), e);
            }
            if (expired || clock.instant().isAfter(deadline)) {
                return new CollectionException("timed out after " + host.timeout().toSeconds() + " s while " + phase + " at " + where, e);
            }
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
                    return new CollectionException("unreachable: " + where + " while " + phase + ": " + cause.getMessage(), e);
                }
                if (cause instanceof UnknownHostException) {
                    return new CollectionException("unreachable: the name " + cause.getMessage() + " does not resolve", e);
                }
            }
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (phase.startsWith("authenticating") || e instanceof GeneralSecurityException) {
                return new CollectionException("login refused while " + phase + ": " + message, e);
            }
            return new CollectionException("collection failed while " + phase + " at " + where + ": " + message, e);
        }

        @Override
        public void close() {
            for (int i = sessions.size() - 1; i >= 0; i--) {
                sessions.get(i).close(true);
                if (i == 1 && tunnel != null) {
                    try {
                        tunnel.close();
                    } catch (IOException | RuntimeException e) {
                        // closing the jump host's session below ends it anyway
                    }
                }
            }
        }
    }

    /** Keeps at most {@code max} bytes and says whether there were more. */
    private static final class Bounded extends OutputStream {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final long max;
        volatile boolean overflowed;

        Bounded(long max) {
            this.max = max;
        }

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            long room = max - kept.size();
            if (len > room) {
                overflowed = true;
                len = (int) Math.max(0, room);
            }
            kept.write(b, off, len);
        }

        synchronized byte[] bytes() {
            return kept.toByteArray();
        }

        synchronized String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }
}
