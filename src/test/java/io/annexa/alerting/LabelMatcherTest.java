package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelMatcherTest {

    @Test
    void readsTheFourOperatorsQuotedOrBareWithOrWithoutSpaces() {
        Map<String, String> labels = Map.of("grade", "major", "theme", "technological");

        assertThat(LabelMatcher.parse("grade = \"major\"").matches(labels)).isTrue();
        assertThat(LabelMatcher.parse("grade=major").matches(labels)).isTrue();
        assertThat(LabelMatcher.parse("grade != \"major\"").matches(labels)).isFalse();
        assertThat(LabelMatcher.parse("theme =~ \"tech.*\"").matches(labels)).isTrue();
        assertThat(LabelMatcher.parse("theme !~ \"tech.*\"").matches(labels)).isFalse();
        assertThat(LabelMatcher.parse("  theme=~tech  ").matches(labels)).isFalse();
    }

    @Test
    void quotedValuesKeepEscapedQuotesBackslashesAndNewlines() {
        LabelMatcher matcher = LabelMatcher.parse("asset = \"a\\\"b\\\\c\\nd\"");

        assertThat(matcher.matches(Map.of("asset", "a\"b\\c\nd"))).isTrue();
        assertThat(LabelMatcher.parse(matcher.text())).isEqualTo(matcher);
        assertThat(LabelMatcher.parse("rule =~ \"sshd_\\\\w+\"").matches(Map.of("rule", "sshd_root"))).isTrue();
    }

    @Test
    void theCanonicalTextReadsBackToAnEqualMatcher() {
        for (String text : List.of("grade=major", "theme =~ \"a|b\"", "owner!=\"\"", "asset !~ \"web-[0-9]+\"")) {
            LabelMatcher matcher = LabelMatcher.parse(text);
            assertThat(LabelMatcher.parse(matcher.text())).as(text).isEqualTo(matcher);
        }
        assertThat(LabelMatcher.parse("grade=major").text()).isEqualTo("grade = \"major\"");
    }

    @Test
    void regexesAreRe2SoBacktrackingConstructsAreRefused() {
        assertThatThrownBy(() -> LabelMatcher.parse("asset =~ \"(a)\\\\1\"")).hasMessageContaining("not a valid RE2 regular expression");
        assertThatThrownBy(() -> LabelMatcher.parse("asset =~ \"(?=a)a\"")).hasMessageContaining("not a valid RE2 regular expression");
        // catastrophic for a backtracking engine, linear for RE2
        assertThat(LabelMatcher.parse("asset =~ \"(a+)+b\"").matches(Map.of("asset", "a".repeat(10_000)))).isFalse();
    }

    @Test
    void refusesWhatIsNotAMatcherSayingWhy() {
        assertThatThrownBy(() -> LabelMatcher.parse("grade")).hasMessageContaining("is not a matcher like");
        assertThatThrownBy(() -> LabelMatcher.parse("grade == major")).hasMessageContaining("'==' is not an operator");
        assertThatThrownBy(() -> LabelMatcher.parse("colour = red")).hasMessageContaining("unknown label 'colour'");
        assertThatThrownBy(() -> LabelMatcher.parse("grade = \"major")).hasMessageContaining("has no closing quote");
        assertThatThrownBy(() -> LabelMatcher.parse("grade = \"major\" x")).hasMessageContaining("text after the closing quote");
        assertThatThrownBy(() -> LabelMatcher.parse("grade = \"a\\qb\"")).hasMessageContaining("unknown escape \\q");
        assertThatThrownBy(() -> LabelMatcher.parse("asset = \"" + "x".repeat(1025) + "\"")).hasMessageContaining("more than 1024");
        assertThatThrownBy(() -> LabelMatcher.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
