package io.annexa.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AssetNamesTest {

    @ParameterizedTest
    @CsvSource({"WEB-01.Example.org.,web-01.example.org", "' db_2 ',db_2", "10.0.0.5,10.0.0.5"})
    void normalisesValidNames(String raw, String expected) {
        assertThat(AssetNames.normalize(raw)).isEqualTo(expected);
    }

    @Test
    void acceptsTheLongestDnsNameAndRefusesOneCharacterMore() {
        String longest = "a".repeat(AssetNames.MAX_LENGTH);

        assertThat(AssetNames.normalize(longest)).isEqualTo(longest);
        assertThatThrownBy(() -> AssetNames.validate("HOSTNAME", longest + "a"))
                .isInstanceOf(InvalidAssetNameException.class)
                .hasMessage("HOSTNAME '" + "a".repeat(64) + "… (254 characters)' is not a valid asset name: it is 254"
                        + " characters long, more than 253");
    }

    @ParameterizedTest
    @ValueSource(strings = {"web/1", "../etc", "web 1", "web1;rm", "a:b", "prоd-db" /* Cyrillic о */, "web\n1", "x\u0000y",
            "web1\u202Eexe"})
    void refusesEverythingButLettersDigitsDotsDashesAndUnderscores(String raw) {
        assertThatThrownBy(() -> AssetNames.validate("file name", raw)).isInstanceOf(InvalidAssetNameException.class)
                .hasMessageStartingWith("file name '")
                .hasMessageContaining("only letters a-z, digits, '.', '-' and '_' are allowed");
    }

    @Test
    void theMessageShowsControlCharactersEscaped() {
        assertThatThrownBy(() -> AssetNames.validate("column 'asset'", "x\u0000y\n"))
                .hasMessage("column 'asset' 'x\\u0000y\\u000a' is not a valid asset name: it has the character U+0000 at position 2;"
                        + " only letters a-z, digits, '.', '-' and '_' are allowed");
    }

    @Test
    void anIpv6AddressBecomesAnAssetNameWithDashes() {
        assertThat(AssetNames.ofAddress("2001:db8::1")).isEqualTo("2001-db8--1");
        assertThat(AssetNames.ofAddress("192.0.2.7")).isEqualTo("192.0.2.7");
    }
}
