package io.annexa.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.evidence.ConfigSources;
import org.junit.jupiter.api.Test;

class ConfigParsersTest {

    @Test
    void everyConfigurationSourceTheRulesMayNameHasAParserAndNoParserIsUnnamed() {
        assertThat(ConfigParsers.kinds()).extracting(ConfigParsers.Kind::source).containsExactlyInAnyOrderElementsOf(ConfigSources.ALL);
    }
}
