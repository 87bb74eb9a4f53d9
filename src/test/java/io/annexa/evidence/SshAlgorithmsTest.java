package io.annexa.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SshAlgorithmsTest {

    private static final String DEFAULTS = "chacha20-poly1305@openssh.com,aes128-ctr,aes256-gcm@openssh.com";
    private static final String WEAK = "*-cbc,3des-*,arcfour*";

    @Test
    void aPlainListReplacesTheDefaults() {
        assertThat(SshAlgorithms.weakEnabled("aes128-cbc, aes256-ctr,3des-cbc", DEFAULTS, WEAK)).isEqualTo("aes128-cbc,3des-cbc");
        assertThat(SshAlgorithms.weakEnabled("aes256-ctr", DEFAULTS, WEAK)).isEmpty();
    }

    @Test
    void plusAndCaretAddToTheDefaults() {
        assertThat(SshAlgorithms.weakEnabled("+aes256-cbc", DEFAULTS, WEAK)).isEqualTo("aes256-cbc");
        assertThat(SshAlgorithms.weakEnabled("^arcfour", DEFAULTS, WEAK)).isEqualTo("arcfour");
    }

    @Test
    void minusRemovesTheDefaultsMatchingItsPatterns() {
        assertThat(SshAlgorithms.weakEnabled("-aes128-*", DEFAULTS + ",aes128-cbc", WEAK)).isEmpty();
        assertThat(SshAlgorithms.weakEnabled("-chacha*", DEFAULTS + ",aes128-cbc", WEAK)).isEqualTo("aes128-cbc");
    }

    @Test
    void patternsAreCaseSensitiveAndQuestionMarkIsOneCharacter() {
        assertThat(SshAlgorithms.weakEnabled("AES128-CBC", DEFAULTS, WEAK)).isEmpty();
        assertThat(SshAlgorithms.weakEnabled("hmac-sha1,hmac-sha1-96", DEFAULTS, "hmac-sha?")).isEqualTo("hmac-sha1");
    }
}
