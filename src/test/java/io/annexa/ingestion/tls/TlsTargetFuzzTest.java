package io.annexa.ingestion.tls;

import io.annexa.fuzz.FuzzInputs;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TLS target list entries operators write ({@code annexa.sources.tls.targets}): any text is either a target
 * or refused as empty, so the caller can name the bad entry; nothing throws.
 */
class TlsTargetFuzzTest {

    @Property
    void entryIsTargetOrRefused(@ForAll("entries") String entry) {
        Optional<TlsTarget> target = FuzzInputs.bounded(entry, () -> TlsTarget.parse(entry));
        target.ifPresent(t -> {
            assertThat(t.port()).isBetween(1, 65535);
            assertThat(t.host()).isNotBlank();
            assertThat(TlsTarget.parse(t.asset() + "=" + t.endpoint())).contains(t);
        });
    }

    @Provide
    Arbitrary<String> entries() {
        return FuzzInputs.text(List.of("web1.example.org:443", "mail=mail.example.org:993", "[2001:db8::1]:8443",
                "db=[fe80::1%eth0]:5432", "192.0.2.10:636"));
    }
}
