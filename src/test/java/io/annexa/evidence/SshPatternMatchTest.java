package io.annexa.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The wildcard matcher against the obvious (and slow) translation to a regular expression. */
class SshPatternMatchTest {

    @Property(tries = 3000)
    void agreesWithTheRegularExpressionItReplaces(@ForAll("names") String name, @ForAll("patterns") String pattern) {
        assertThat(SshAlgorithms.matches(name, pattern)).as("'%s' against '%s'", name, pattern)
                .isEqualTo(name.matches(regex(pattern)));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("ab-.").ofMaxLength(8);
    }

    @Provide
    Arbitrary<String> patterns() {
        return Arbitraries.strings().withChars("ab-.*?").ofMaxLength(6);
    }

    private static String regex(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return regex.toString();
    }
}
