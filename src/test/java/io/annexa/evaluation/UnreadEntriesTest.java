package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.evidence.ConfigEntry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnreadEntriesTest {

    private static final Instant READ = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void entriesOfOneReadComeBackEqualAndInOrder() {
        List<ConfigEntry> entries = List.of(
                new ConfigEntry("web1", "login.defs", "/etc/login.defs", 12, "MAIL_DIR", "/var/mail", "", READ),
                new ConfigEntry("web1", "login.defs", "/etc/login.defs", 40, "ENV_PATH", "PATH=/usr/bin:/bin", "", READ),
                new ConfigEntry("web1", "login.defs", "/etc/login.defs.d/local.conf", 3, "CHFN_RESTRICT", "rwh", "", READ));

        List<UnreadEntries> packed = UnreadEntries.pack(entries);

        assertThat(packed).hasSize(1);
        assertThat(UnreadEntries.unpack(packed)).containsExactlyElementsOf(entries);
    }

    @Test
    void entriesOfDifferentAssetsSourcesOrTimesArePackedApartAndNoneIsLost() {
        ConfigEntry first = new ConfigEntry("web1", "sshd_config", "/etc/ssh/sshd_config", 1, "Port", "22", "", READ);
        ConfigEntry otherTime = new ConfigEntry("web1", "sshd_config", "/etc/ssh/sshd_config", 2, "Banner", "none", "",
                READ.plusSeconds(1));
        ConfigEntry otherAsset = new ConfigEntry("web2", "sshd_config", "/etc/ssh/sshd_config", 3, "Port", "22",
                "Match User backup", READ);
        ConfigEntry otherSource = new ConfigEntry("web1", "ssh_config", "/etc/ssh/ssh_config", 4, "Port", "22", "", READ);

        List<UnreadEntries> packed = UnreadEntries.pack(List.of(first, otherTime, otherAsset, otherSource));

        assertThat(packed).hasSize(4);
        assertThat(UnreadEntries.unpack(packed)).containsExactlyInAnyOrder(first, otherTime, otherAsset, otherSource);
    }

    @Test
    void noEntriesPackToNothing() {
        assertThat(UnreadEntries.pack(List.of())).isEmpty();
        assertThat(UnreadEntries.unpack(List.of())).isEmpty();
    }
}
