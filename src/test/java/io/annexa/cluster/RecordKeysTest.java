package io.annexa.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.evidence.EvidenceKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Record keys of the compacted topic: one spelling per evidence key, read back as the same key, and nothing else read at
 * all. Properties over seeded random keys whose names are made mostly of the characters that could confuse the format.
 */
class RecordKeysTest {

    private static final String TRICKY = "|%|%7C25c/ aA.-_\u00e9\u4e2d\u0000\n";
    private static final String ASSET = "abcxyz0189.-_";

    @Test
    void aKeyWithSeparatorsAndEscapesInItsNamesComesBackAsItself() throws Exception {
        EvidenceKey key = new EvidenceKey("a|b%7C", "web-01", "hosts/%25|");
        assertThat(EvidenceCodec.recordKey(key)).isEqualTo("web-01|a%7Cb%257C|hosts/%2525%7C");
        assertThat(EvidenceCodec.evidenceKey(EvidenceCodec.recordKey(key))).isEqualTo(key);
        assertThat(EvidenceCodec.recordKey(new EvidenceKey("sshd_config", "web-01", "sshd-config-inbox")))
                .isEqualTo("web-01|sshd_config|sshd-config-inbox");
    }

    @Test
    void everyKeyComesBackAndNoTwoKeysShareARecordKey() throws Exception {
        Random random = new Random(42);
        Map<String, EvidenceKey> byRecordKey = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            EvidenceKey key = new EvidenceKey(text(random, TRICKY, 6), asset(random), text(random, TRICKY, 6));
            String recordKey = EvidenceCodec.recordKey(key);

            assertThat(EvidenceCodec.evidenceKey(recordKey)).isEqualTo(key);
            assertThat(recordKey).startsWith(key.asset() + "|");
            EvidenceKey earlier = byRecordKey.putIfAbsent(recordKey, key);
            assertThat(earlier == null || earlier.equals(key)).as("%s and %s share %s", earlier, key, recordKey).isTrue();
        }
        assertThat(byRecordKey).hasSizeGreaterThan(15_000);
    }

    /** Whatever the text: refused, or read as the one key whose record key it is. */
    @Test
    void anyTextIsRefusedOrIsTheRecordKeyOfWhatItIsReadAs() {
        Random random = new Random(7);
        int read = 0;
        for (int i = 0; i < 50_000; i++) {
            String text = text(random, TRICKY + ASSET + "WEB", 20);
            try {
                EvidenceKey key = EvidenceCodec.evidenceKey(text);
                assertThat(EvidenceCodec.recordKey(key)).isEqualTo(text);
                read++;
            } catch (EvidenceCodecException e) {
                assertThat(e.field()).isEqualTo("(record key)");
            }
        }
        assertThat(read).isPositive();
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "``;                  is not asset|source|origin",
        "web-01|sshd_config;  is not asset|source|origin",
        "web-01|a|b|c;        is not asset|source|origin",
        "WEB-01|a|b;          the asset 'WEB-01' is not written as asset names are (web-01)",
        "web-01.|a|b;         is not written as asset names are",
        "web 01|a|b;          is not a valid asset name",
        "|a|b;                is not a valid asset name: it is empty",
        "web-01|a%|b;         the source 'a%' has a '%' that is neither %25 nor %7C at position 2",
        "web-01|a|b%7c;       the origin 'b%7c' has a '%' that is neither %25 nor %7C at position 2",
        "web-01|a|%41;        has a '%' that is neither",
    })
    void aRecordKeyNotWrittenByTheCodecIsRefused(String recordKey, String problem) {
        assertThatThrownBy(() -> EvidenceCodec.evidenceKey(recordKey)).isInstanceOfSatisfying(EvidenceCodecException.class, e -> {
            assertThat(e.field()).isEqualTo("(record key)");
            assertThat(e.getMessage()).contains(problem);
        });
    }

    @Test
    void aRecordWithoutAKeyIsRefused() {
        assertThatThrownBy(() -> EvidenceCodec.evidenceKey(null)).isInstanceOf(EvidenceCodecException.class)
                .hasMessage("(record key): missing: a record of evidence needs its key");
    }

    private static String asset(Random random) {
        String asset;
        do {
            asset = text(random, ASSET, 8).replaceAll("\\.+$", "");
        } while (asset.isEmpty());
        return asset;
    }

    private static String text(Random random, String alphabet, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
