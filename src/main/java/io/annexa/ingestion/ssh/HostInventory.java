package io.annexa.ingestion.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The hosts Annexa collects evidence from over SSH: {@code config/hosts.yml}, every default and group applied. */
public record HostInventory(List<Host> hosts) {

    public HostInventory {
        hosts = List.copyOf(hosts);
    }

    public static HostInventory empty() {
        return new HostInventory(List.of());
    }

    /**
     * One host as it is collected.
     *
     * @param asset            the asset its evidence is filed under
     * @param address          host name or IP address to connect to; also the name its key is looked up by in
     *                         {@code knownHosts} ({@code [address]:port} for a port other than 22)
     * @param knownHosts       the pinned host keys: a key not listed there for the address is refused, never learned
     * @param expectedInterval how old the evidence may grow before a failed collection is a monitoring gap
     */
    public record Host(String asset, String address, int port, String user, Auth auth, Path knownHosts, Optional<Jump> jump,
                       Set<Collector> collectors, Duration period, Duration timeout, Duration expectedInterval) {

        public Host {
            collectors = Set.copyOf(collectors);
        }
    }

    /** How a host is logged in to. */
    public sealed interface Auth permits KeyFile, Agent {
    }

    /**
     * A private key file (OpenSSH or PEM format), with its passphrase from a file or the environment when encrypted.
     *
     * @param passphrase null for a key without one
     */
    public record KeyFile(Path key, Secret passphrase) implements Auth {
    }

    /**
     * The keys an SSH agent holds, reached at its Unix socket.
     *
     * @param socket null: the socket {@code SSH_AUTH_SOCK} names when the collection runs
     */
    public record Agent(Path socket) implements Auth {
    }

    /** A host the connection passes through ({@code ssh -J}): same credentials and pinned keys as the host. */
    public record Jump(String address, int port, String user) {
    }

    /** Where a secret is read when it is needed: never from the inventory itself. */
    public sealed interface Secret permits SecretFile, SecretEnv {
    }

    /** The secret is the first line of a file. */
    public record SecretFile(Path file) implements Secret {
    }

    /** The secret is an environment variable's value ({@code ${env:NAME}}). */
    public record SecretEnv(String variable) implements Secret {
    }
}
