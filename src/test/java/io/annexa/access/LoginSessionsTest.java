package io.annexa.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.annexa.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sign-in sessions on their own: ids, idle timeout, absolute lifetime, signing out, the bound, the CSRF compare. */
class LoginSessionsTest {

    private static final Duration IDLE = Duration.ofMinutes(30);
    private static final Duration LIFETIME = Duration.ofHours(8);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-06-01T08:00:00Z"));
    private final LoginSessions sessions = new LoginSessions(IDLE, LIFETIME, clock);

    @Test
    void anIdIs256RandomBitsFoundAgainButNotKeptAsIs() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            ids.add(sessions.start("alice").id());
        }
        LoginSessions.Started started = sessions.start("alice");

        assertThat(ids).hasSize(100);
        assertThat(Base64.getUrlDecoder().decode(started.id())).hasSize(32);
        assertThat(started.session().key()).isNotEqualTo(started.id()).doesNotContain(started.id());
        assertThat(sessions.find(started.id())).containsSame(started.session());
        assertThat(started.session().user()).isEqualTo("alice");
        assertThat(started.session().expiresAt()).isEqualTo(clock.instant().plus(LIFETIME));
        assertThat(started.session().toString()).doesNotContain(started.session().csrfToken());
    }

    @Test
    void unknownAndMalformedIdsFindNothing() {
        String id = sessions.start("alice").id();
        String other = (id.charAt(0) == 'A' ? "B" : "A") + id.substring(1);

        assertThat(sessions.find(other)).isEmpty();
        assertThat(sessions.find(id + "x")).isEmpty();
        assertThat(sessions.find("")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
        assertThat(sessions.find("../../" + id.substring(6))).isEmpty();
    }

    @Test
    void anIdleSessionEndsAfterTheIdleTimeoutAndUseKeepsItAlive() {
        String busy = sessions.start("alice").id();
        String idle = sessions.start("bob").id();

        clock.advance(IDLE.minusSeconds(1));
        assertThat(sessions.find(busy)).isPresent();
        clock.advance(IDLE.minusSeconds(1));
        assertThat(sessions.find(busy)).as("used %s ago", IDLE.minusSeconds(1)).isPresent();
        assertThat(sessions.find(idle)).as("idle for %s", IDLE.multipliedBy(2).minusSeconds(2)).isEmpty();
        clock.advance(IDLE);
        assertThat(sessions.find(busy)).as("idle for exactly the timeout").isEmpty();
    }

    @Test
    void aBusySessionEndsAtItsAbsoluteLifetime() {
        String id = sessions.start("alice").id();
        Instant end = clock.instant().plus(LIFETIME);

        while (clock.instant().plus(Duration.ofMinutes(10)).isBefore(end)) {
            clock.advance(Duration.ofMinutes(10));
            assertThat(sessions.find(id)).as("at %s", clock.instant()).isPresent();
        }
        clock.set(end.minusMillis(1));
        assertThat(sessions.find(id)).isPresent();
        clock.set(end);
        assertThat(sessions.find(id)).isEmpty();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void signingOutEndsThatSessionOnlyAndOnlyOnce() {
        LoginSessions.Started first = sessions.start("alice");
        LoginSessions.Started second = sessions.start("alice");

        assertThat(sessions.end(first.session())).isTrue();
        assertThat(sessions.end(first.session())).isFalse();
        assertThat(sessions.find(first.id())).isEmpty();
        assertThat(sessions.find(second.id())).isPresent();
    }

    @Test
    void signingAUserOutEverywhereLeavesOtherUsersSignedIn() {
        String alice1 = sessions.start("alice").id();
        String alice2 = sessions.start("alice").id();
        String bob = sessions.start("bob").id();

        assertThat(sessions.endAllOf("alice")).isEqualTo(2);

        assertThat(sessions.find(alice1)).isEmpty();
        assertThat(sessions.find(alice2)).isEmpty();
        assertThat(sessions.find(bob)).isPresent();
    }

    @Test
    void theTableIsBoundedDroppingEndedSessionsFirstThenTheLongestIdle() {
        String oldest = sessions.start("first").id();
        clock.advance(Duration.ofSeconds(1));
        String kept = sessions.start("second").id();
        clock.advance(Duration.ofSeconds(1));
        sessions.find(oldest);
        clock.advance(Duration.ofSeconds(1));
        for (int i = 2; i < LoginSessions.MAX_SESSIONS; i++) {
            sessions.start("user" + i);
        }
        assertThat(sessions.size()).isEqualTo(LoginSessions.MAX_SESSIONS);

        String newest = sessions.start("late").id();

        assertThat(sessions.size()).isEqualTo(LoginSessions.MAX_SESSIONS);
        assertThat(sessions.find(newest)).isPresent();
        assertThat(sessions.find(oldest)).as("used after 'second'").isPresent();
        assertThat(sessions.find(kept)).as("the longest idle").isEmpty();

        clock.advance(IDLE);
        sessions.start("after everyone went idle");
        assertThat(sessions.size()).isEqualTo(1);
    }

    @Test
    void theCsrfTokenMatchesOnlyItselfAndDiffersPerSession() {
        LoginSession session = sessions.start("alice").session();
        String token = session.csrfToken();

        assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
        assertThat(session.csrfMatches(token)).isTrue();
        assertThat(session.csrfMatches(" " + token + " ")).as("surrounding white space of a header value").isTrue();
        assertThat(session.csrfMatches(null)).isFalse();
        assertThat(session.csrfMatches("")).isFalse();
        assertThat(session.csrfMatches(token.substring(0, token.length() - 1))).isFalse();
        assertThat(session.csrfMatches(token + "A")).isFalse();
        assertThat(session.csrfMatches(token.toUpperCase())).isFalse();
        assertThat(session.csrfMatches(sessions.start("alice").session().csrfToken())).isFalse();
        assertThat(session.csrfMatches(session.key())).isFalse();
    }

    @Test
    void timeoutsMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> new LoginSessions(Duration.ZERO, LIFETIME, clock));
        assertThatIllegalArgumentException().isThrownBy(() -> new LoginSessions(IDLE, Duration.ofMinutes(-1), clock));
    }

    @Test
    void oneUserCannotCrowdOthersOut() {
        ManualClock clock = new ManualClock(Instant.parse("2026-06-01T08:00:00Z"));
        LoginSessions sessions = new LoginSessions(Duration.ofMinutes(30), Duration.ofHours(8), clock);
        String bob = sessions.start("bob").id();
        String first = sessions.start("mallory").id();
        for (int i = 0; i < LoginSessions.MAX_PER_USER * 5; i++) {
            clock.advance(Duration.ofSeconds(1));
            sessions.start("mallory");
        }

        assertThat(sessions.find(bob)).as("another user's session stays").isPresent();
        assertThat(sessions.find(first)).as("mallory's longest idle session went first").isEmpty();
        assertThat(sessions.size()).isEqualTo(LoginSessions.MAX_PER_USER + 1);
    }
}
