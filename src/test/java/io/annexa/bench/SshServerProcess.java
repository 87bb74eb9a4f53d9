package io.annexa.bench;

import io.annexa.ingestion.ssh.EmbeddedSshHost;
import io.annexa.ingestion.ssh.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * The collection tests' embedded SSH server in a process of its own, so that the collector's CPU and memory are
 * measured without the server's. Serves {@code root} as {@code /}; writes the known_hosts line pinning its key (for
 * {@code 127.0.0.1} on its port) to {@code known-hosts-out} once it listens; runs until its standard input closes.
 * <pre>
 * java -cp ... io.annexa.bench.SshServerProcess root outputs-dir user-key.pub known-hosts-out
 * </pre>
 */
public final class SshServerProcess {

    private SshServerProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path outputs = Path.of(args[1]);
        PublicKey user = PublicKeyEntry.parsePublicKeyEntry(Files.readString(Path.of(args[2])).strip())
                .resolvePublicKey(null, Map.of(), null);
        try (EmbeddedSshHost server = new EmbeddedSshHost(root, Map.of(
                "/usr/sbin/sshd -T", outputs.resolve("sshd-T"),
                "/sbin/auditctl -l", outputs.resolve("auditctl-l")), TestKeys.ed25519(), user)) {
            Path out = Path.of(args[3]);
            Files.write(out.resolveSibling(out.getFileName() + ".tmp"), List.of(server.knownHostsLine("127.0.0.1")));
            Files.move(out.resolveSibling(out.getFileName() + ".tmp"), out);
            while (System.in.read() >= 0) {
                // until the benchmark closes our input (or ends)
            }
        }
    }
}
