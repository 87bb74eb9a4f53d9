package io.annexa.register;

import static io.annexa.register.RegisterRules.BASELINE;
import static io.annexa.register.RegisterRules.FIREWALL;
import static io.annexa.register.RegisterRules.LOGIN_DEFS;
import static io.annexa.register.RegisterRules.PASSWORDS;
import static io.annexa.register.RegisterRules.ROOT_LOGIN;
import static io.annexa.register.RegisterRules.SOURCE_SILENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.evaluation.RuleDefinition;
import io.annexa.register.NonconformityQuery.Page;
import io.annexa.register.NonconformityQuery.Sort;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The register's list, on H2 and on PostgreSQL: every filter, every sort in both directions, and paging by cursor
 * that returns each row exactly once however the rows tie.
 */
class RegisterListTest {

    @Nested
    class OnH2 extends Contract {
        @Override
        TestDatabase createDatabase(Path directory) {
            return TestDatabase.h2(directory);
        }
    }

    @Nested
    class OnPostgreSql extends Contract {
        @Override
        TestDatabase createDatabase(Path directory) throws Exception {
            return TestDatabase.postgres();
        }
    }

    abstract static class Contract extends RegisterFixture {

        private static final Instant T0 = START;
        private static final Instant T1 = T0.plus(Duration.ofHours(1));
        private static final Instant T2 = T0.plus(Duration.ofHours(2));
        private static final Instant T3 = T0.plus(Duration.ofHours(3));

        /**
         * Ten nonconformities with ties in every sort: first seen T0 (five), T1 (three), T2 (two); grades major, minor
         * and observation; controls 8.5, 8.20, 5.17, 8.16 and 8.9; statuses open, acknowledged, action-planned,
         * risk-accepted and resolved.
         */
        @BeforeEach
        void tenNonconformities() throws Exception {
            configure(policy, inventoryFile("""
                    assets:
                      - name: db1
                        owner: dba@example.org
                        criticality: high
                    """));
            cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").finding(ROOT_LOGIN, "web2", "PermitRootLogin yes")
                    .finding(ROOT_LOGIN, "db1", "PermitRootLogin yes")
                    .finding(PASSWORDS, "web1", "PasswordAuthentication yes").finding(PASSWORDS, "db1", "PasswordAuthentication yes")
                    .read(ROOT_LOGIN, "web1", "web2", "db1").reconcile();
            clock.set(T1);
            cycle().finding(FIREWALL, "web1", "policy accept").finding(LOGIN_DEFS, "app1", "PASS_MAX_DAYS 99999")
                    .finding(LOGIN_DEFS, "db1", "PASS_MAX_DAYS 99999")
                    .read(FIREWALL, "web1").read(LOGIN_DEFS, "app1", "db1").reconcile();
            clock.set(T2);
            cycle().finding(SOURCE_SILENT, "inbox-sshd", "no file for 3h").finding(BASELINE, "app1", "sshd_config MaxAuthTries 6")
                    .read(SOURCE_SILENT, "inbox-sshd").read("sshd_config", "app1").reconcile();
            clock.set(T3);
            act(id(ROOT_LOGIN, "web2"), LifecycleAction.ACKNOWLEDGE, comment("seen"), ANALYST);
            act(id(PASSWORDS, "db1"), LifecycleAction.PLAN, plan("the image enables it", T3.plus(Duration.ofDays(14))), ANALYST);
            act(id(LOGIN_DEFS, "db1"), LifecycleAction.ACCEPT_RISK, acceptRisk(ANALYST, T3.plus(Duration.ofDays(90))), APPROVER);
            cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").finding(PASSWORDS, "web1", "PasswordAuthentication yes")
                    .finding(PASSWORDS, "db1", "PasswordAuthentication yes").read(ROOT_LOGIN, "web1", "db1").reconcile();
            assertThat(all()).hasSize(10);
            assertThat(find(id(ROOT_LOGIN, "db1")).getStatus()).isEqualTo(NonconformityStatus.RESOLVED);
        }

        @Test
        void filtersByStatusesGradeControlThemeAssetRequirementAndTime() {
            assertThat(list(q -> q.statuses = EnumSet.of(NonconformityStatus.ACKNOWLEDGED, NonconformityStatus.ACTION_PLANNED,
                    NonconformityStatus.RISK_ACCEPTED)))
                    .containsExactlyInAnyOrder("sshd_root_login_disabled@web2", "sshd_password_authentication_disabled@db1",
                            "login_defs_password_max_age_limited@db1");
            assertThat(list(q -> q.statuses = EnumSet.of(NonconformityStatus.OPEN)))
                    .containsExactlyInAnyOrder("sshd_root_login_disabled@web1", "sshd_password_authentication_disabled@web1",
                            "nftables_default_deny@web1", "login_defs_password_max_age_limited@app1",
                            "source_reporting_on_schedule@inbox-sshd", "config_matches_baseline@app1");
            assertThat(list(q -> q.grade = "major")).containsExactlyInAnyOrder("sshd_root_login_disabled@web1",
                    "sshd_root_login_disabled@web2", "sshd_root_login_disabled@db1");
            assertThat(list(q -> q.grade = "observation")).containsExactlyInAnyOrder("login_defs_password_max_age_limited@app1",
                    "login_defs_password_max_age_limited@db1");
            // 8.2 is the second control of the root login rule, and not a prefix of 8.20
            assertThat(list(q -> q.control = "8.2")).containsExactlyInAnyOrder("sshd_root_login_disabled@web1",
                    "sshd_root_login_disabled@web2", "sshd_root_login_disabled@db1");
            assertThat(list(q -> q.control = "8.20")).containsExactly("nftables_default_deny@web1");
            assertThat(list(q -> q.control = "8.5")).hasSize(5).allMatch(label -> label.startsWith("sshd_"));
            assertThat(list(q -> q.theme = "organizational")).containsExactlyInAnyOrder(
                    "login_defs_password_max_age_limited@app1", "login_defs_password_max_age_limited@db1");
            assertThat(list(q -> q.theme = "technological")).hasSize(8);
            assertThat(list(q -> q.asset = "db1")).containsExactlyInAnyOrder("sshd_root_login_disabled@db1",
                    "sshd_password_authentication_disabled@db1", "login_defs_password_max_age_limited@db1");
            assertThat(list(q -> q.requirement = "A.8.5")).hasSize(5).allMatch(label -> label.startsWith("sshd_"));
            assertThat(list(q -> q.requirement = "9.1")).containsExactly("source_reporting_on_schedule@inbox-sshd");
            assertThat(list(q -> q.requirement = "8.1")).hasSize(9).doesNotContain("source_reporting_on_schedule@inbox-sshd");
            assertThat(list(q -> q.since = T1)).containsExactlyInAnyOrder("nftables_default_deny@web1",
                    "login_defs_password_max_age_limited@app1", "login_defs_password_max_age_limited@db1",
                    "source_reporting_on_schedule@inbox-sshd", "config_matches_baseline@app1");
            assertThat(list(q -> q.until = T1)).hasSize(5).allMatch(label -> label.startsWith("sshd_"));
            assertThat(list(q -> {
                q.since = T1;
                q.until = T2;
            })).containsExactlyInAnyOrder("nftables_default_deny@web1", "login_defs_password_max_age_limited@app1",
                    "login_defs_password_max_age_limited@db1");
            assertThat(list(q -> {
                q.statuses = EnumSet.of(NonconformityStatus.OPEN);
                q.control = "8.5";
                q.asset = "web1";
            })).containsExactlyInAnyOrder("sshd_root_login_disabled@web1", "sshd_password_authentication_disabled@web1");
            assertThat(list(q -> q.asset = "nowhere")).isEmpty();
        }

        @Test
        void everySortInBothDirectionsWalkedPageByPageReturnsEveryRowOnceInOrder() {
            List<Nonconformity> rows = all();
            for (Sort sort : Sort.values()) {
                for (boolean descending : new boolean[] {false, true}) {
                    Comparator<Nonconformity> order = comparator(sort);
                    List<Long> expected = rows.stream().sorted(descending ? order.reversed() : order).map(Nonconformity::getId).toList();

                    List<Long> walked = walk(q -> {
                        q.sort = sort;
                        q.descending = descending;
                        q.limit = 3;
                    });
                    List<Long> onePage = walk(q -> {
                        q.sort = sort;
                        q.descending = descending;
                    });

                    assertThat(walked).as("%s %s, three a page", sort, descending ? "desc" : "asc").isEqualTo(expected);
                    assertThat(onePage).as("%s %s, one page", sort, descending ? "desc" : "asc").isEqualTo(expected);
                }
            }
        }

        @Test
        void aFilteredListIsPagedByCursorToo() {
            Comparator<Nonconformity> order = comparator(Sort.GRADE).reversed();
            List<Long> expected = all().stream().filter(nc -> nc.getTheme().equals("technological")).sorted(order)
                    .map(Nonconformity::getId).toList();

            List<Long> walked = walk(q -> {
                q.theme = "technological";
                q.sort = Sort.GRADE;
                q.descending = true;
                q.limit = 1;
            });

            assertThat(walked).hasSize(8).isEqualTo(expected);
        }

        @Test
        void aCursorMadeForAnotherSortOrDirectionIsRefused() {
            String cursor = repository.page(query(q -> {
                q.sort = Sort.ASSET;
                q.limit = 2;
            })).next().orElseThrow();

            for (Function<QueryBuilder, QueryBuilder> other : List.<Function<QueryBuilder, QueryBuilder>>of(
                    q -> q.with(Sort.GRADE, false), q -> q.with(Sort.ASSET, true), q -> q.with(Sort.ID, false))) {
                NonconformityQuery query = other.apply(new QueryBuilder()).build().withCursor(cursor);
                assertThatThrownBy(() -> repository.page(query)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("cursor");
            }
            assertThatThrownBy(() -> repository.page(NonconformityQuery.all().withCursor("not-a-cursor")))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        // ------------------------------------------------------------ helpers

        private long id(RuleDefinition rule, String asset) {
            return all().stream().filter(nc -> nc.getRuleId().equals(rule.id()) && nc.getAsset().equals(asset))
                    .findFirst().orElseThrow().getId();
        }

        private static Comparator<Nonconformity> comparator(Sort sort) {
            Comparator<Nonconformity> byField = switch (sort) {
                case ID -> Comparator.comparing(nc -> 0);
                case FIRST_SEEN -> Comparator.comparing(Nonconformity::getFirstSeen);
                case LAST_SEEN -> Comparator.comparing(Nonconformity::getLastSeen);
                case GRADE -> Comparator.comparing(Nonconformity::getGrade);
                case ASSET -> Comparator.comparing(Nonconformity::getAsset);
                case CONTROL -> Comparator.comparing(Nonconformity::getControl);
            };
            return byField.thenComparing(Nonconformity::getId);
        }

        /** The rule@asset of every row the query lists, walking its pages two at a time. */
        private List<String> list(Consumer<QueryBuilder> filter) {
            List<Long> ids = walk(q -> {
                filter.accept(q);
                q.limit = 2;
            });
            List<Nonconformity> rows = all();
            return ids.stream().map(id -> rows.stream().filter(nc -> nc.getId() == id).findFirst().orElseThrow())
                    .map(nc -> nc.getRuleId() + "@" + nc.getAsset()).toList();
        }

        private List<Long> walk(Consumer<QueryBuilder> settings) {
            NonconformityQuery query = query(settings);
            List<Long> ids = new ArrayList<>();
            Optional<String> cursor = Optional.empty();
            int pages = 0;
            do {
                Page<Nonconformity> page = repository.page(cursor.map(query::withCursor).orElse(query));
                page.items().forEach(nc -> ids.add(nc.getId()));
                assertThat(page.items().size()).isLessThanOrEqualTo(query.limit());
                cursor = page.next();
                assertThat(++pages).as("pages end").isLessThan(100);
            } while (cursor.isPresent());
            assertThat(ids).doesNotHaveDuplicates();
            return ids;
        }

        private static NonconformityQuery query(Consumer<QueryBuilder> settings) {
            QueryBuilder builder = new QueryBuilder();
            settings.accept(builder);
            return builder.build();
        }

        /** The list's query parameters as the API fills them; unset means all. */
        static final class QueryBuilder {
            Set<NonconformityStatus> statuses = Set.of();
            String grade;
            String control;
            String theme;
            String asset;
            String requirement;
            Instant since;
            Instant until;
            Sort sort = Sort.ID;
            boolean descending;
            int limit = NonconformityQuery.MAX_LIMIT;

            QueryBuilder with(Sort newSort, boolean newDescending) {
                sort = newSort;
                descending = newDescending;
                limit = 2;
                return this;
            }

            NonconformityQuery build() {
                return new NonconformityQuery(statuses, Optional.ofNullable(grade), Optional.ofNullable(control),
                        Optional.ofNullable(theme), Optional.ofNullable(asset), Optional.ofNullable(requirement),
                        Optional.ofNullable(since), Optional.ofNullable(until), sort, descending, limit, Optional.empty());
            }
        }
    }
}
