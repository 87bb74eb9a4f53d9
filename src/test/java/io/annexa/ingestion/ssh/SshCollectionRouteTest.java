package io.annexa.ingestion.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.evidence.CollectionFailed;
import io.annexa.ingestion.CollectingSink;
import io.annexa.ingestion.IsolatedSources;
import io.annexa.ingestion.ssh.HostInventory.Host;
import io.annexa.ingestion.ssh.HostInventory.KeyFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped route {@code integrations/ssh-collection.camel.yaml} in a real {@code SourceRuntime}: its timer hands the
 * inventory's hosts to the collection, which publishes them into the data directory's {@code inbox/hosts/}; an
 * inventory changed while it runs counts from the next tick.
 */
class SshCollectionRouteTest {

    @TempDir
    Path temp;

    @Test
    void theRouteCollectsTheInventoryInServiceIntoTheHostsInbox() throws Exception {
        KeyPair hostKey = TestKeys.ed25519();
        KeyPair userKey = TestKeys.ed25519();
        Path layout = SshCollectionTest.LAYOUTS.resolve("debian12");
        Path key = TestKeys.write(userKey, temp.resolve("id"), null);
        CollectingSink sink = new CollectingSink();
        try (EmbeddedSshHost server = new EmbeddedSshHost(layout, Map.of("/usr/sbin/sshd -T", layout.resolve("sshd-T")), hostKey,
                userKey.getPublic());
             IsolatedSources sources = IsolatedSources.in(temp.resolve("data"))
                     .with("annexa.collection.enabled", "true")
                     .with("annexa.collection.delay-ms", "0")
                     .with("annexa.collection.tick-ms", "100")
                     .start(sink)) {
            Path knownHosts = Files.writeString(temp.resolve("known_hosts"), server.knownHostsLine("127.0.0.1"));
            AtomicReference<HostInventory> inventory = new AtomicReference<>(HostInventory.empty());
            sources.runtime().sshCollection().useInventory(inventory::get);
            assertThat(sources.route("ssh-collection").state()).isEqualTo("Started");
            assertThat(sources.route("ssh-collection").kind()).isEqualTo("hosts");

            inventory.set(new HostInventory(List.of(host("web-01", server.port(), key, knownHosts),
                    host("web-02", server.port(), key, temp.resolve("no-such-known-hosts")))));

            Path snapshot = temp.resolve("data/inbox/hosts/web-01");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(snapshot.resolve(".annexa/commands/sshd-T")));
            assertThat(snapshot.resolve("etc/ssh/sshd_config")).hasSameBinaryContentAs(layout.resolve("etc/ssh/sshd_config"));
            await().atMost(Duration.ofSeconds(60)).until(() -> sink.latest(SshCollection.key("web-02")).isPresent());
            CollectionFailed failed = (CollectionFailed) sink.latest(SshCollection.key("web-02")).orElseThrow().get(0);
            assertThat(failed.getReason()).startsWith("host key not checked: known_hosts file");
            assertThat(temp.resolve("data/inbox/hosts/web-02")).doesNotExist();
            // nothing half-done is left in staging
            await().atMost(Duration.ofSeconds(10)).until(() -> sources.runtime().sshCollection().running() == 0);
            try (var staged = Files.list(temp.resolve("data/staging/hosts"))) {
                assertThat(staged).isEmpty();
            }
        }
    }

    private static Host host(String asset, int port, Path key, Path knownHosts) {
        return new Host(asset, "127.0.0.1", port, "annexa", new KeyFile(key, null), knownHosts, Optional.empty(),
                EnumSet.of(Collector.FILES, Collector.SSHD_T), Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofHours(2));
    }
}
