package io.annexa.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyslogSelectorTest {

    @ParameterizedTest(name = "{0} {1}.{2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            *.*;auth,authpriv.none  | auth     | info    | false
            *.*;auth,authpriv.none  | daemon   | debug   | true
            *.*;auth,authpriv.none  | mark     | info    | false
            auth,authpriv.*         | authpriv | debug   | true
            auth,authpriv.*         | cron     | emerg   | false
            security.*              | auth     | info    | true
            mail.info               | mail     | info    | true
            mail.info               | mail     | err     | true
            mail.info               | mail     | debug   | false
            mail.=info              | mail     | notice  | false
            mail.=info              | mail     | info    | true
            mail.*;mail.!=debug     | mail     | debug   | false
            mail.*;mail.!=debug     | mail     | info    | true
            mail.*;mail.!err        | mail     | crit    | false
            mail.*;mail.!err        | mail     | warning | true
            *.emerg                 | auth     | panic   | true
            *.emerg                 | auth     | alert   | false
            kern.warn               | kern     | warning | true
            if $msg contains 'x'    | auth     | info    | false
            ruleset remote / *.*    | auth     | info    | false
            """)
    void selectsAsRsyslogBuildsItsPriorityMasks(String selector, String facility, String priority, boolean selected) {
        assertThat(SyslogSelector.selects(selector, facility, priority)).isEqualTo(selected);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            *.*;auth,authpriv.none  | auth     | false
            *.emerg                 | auth     | true
            auth.none               | auth     | false
            *.*                     | local7   | true
            '  '                    | auth     | false
            """)
    void selectsAnyPriority(String selector, String facility, boolean selected) {
        assertThat(SyslogSelector.selectsAny(selector, facility)).isEqualTo(selected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            mial.*          | unknown facility 'mial'
            mail.inof       | unknown priority 'inof'
            mail            | is not facility.priority
            """)
    void rejectsWhatRsyslogRejects(String selector, String reason) {
        assertThatThrownBy(() -> SyslogSelector.parse(selector)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
    }
}
