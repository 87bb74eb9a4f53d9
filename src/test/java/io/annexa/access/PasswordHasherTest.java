package io.annexa.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    @Test
    void productionHashesAreSaltedAndUseTheFullCost() {
        PasswordHasher hasher = new PasswordHasher();

        String first = hasher.hash("correct horse battery".toCharArray());
        String second = hasher.hash("correct horse battery".toCharArray());

        assertThat(first).startsWith("pbkdf2-sha256$310000$").isNotEqualTo(second);
        assertThat(hasher.verify("correct horse battery".toCharArray(), first)).isTrue();
        assertThat(hasher.verify("correct horse batterz".toCharArray(), first)).isFalse();
    }

    @Test
    void aHashOfAnotherCostStillVerifiesSoTheCostCanRiseLater() {
        String cheap = new PasswordHasher(1_000).hash("correct horse battery".toCharArray());

        assertThat(new PasswordHasher().verify("correct horse battery".toCharArray(), cheap)).isTrue();
    }

    @Test
    void malformedStoredHashesAndOverlongPasswordsNeverVerify() {
        PasswordHasher hasher = new PasswordHasher(1_000);

        assertThat(hasher.verify("x".toCharArray(), "md5$abc")).isFalse();
        assertThat(hasher.verify("x".toCharArray(), null)).isFalse();
        assertThat(hasher.verify("a".repeat(2_000).toCharArray(), hasher.hash("a".repeat(2_000).toCharArray()))).isFalse();
    }

    @Test
    void theDecoyForUnknownUsersCostsWhatARealHashCosts() {
        assertThat(PasswordHasher.DECOY_HASH).startsWith("pbkdf2-sha256$" + PasswordHasher.ITERATIONS + "$");
        assertThat(new PasswordHasher().verify("anything".toCharArray(), PasswordHasher.DECOY_HASH)).isFalse();
    }
}
