package io.annexa.register;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Which nonconformities to list, in which order, one page at a time. Empty fields match all. Paging is by cursor (the
 * sort value and id of the last row shown), so a page stays fast and right however deep it is and while rows change.
 *
 * @param since  first seen at or after
 * @param until  first seen before
 * @param cursor from {@link Page#next()}, or empty for the first page
 */
public record NonconformityQuery(Set<NonconformityStatus> statuses, Optional<String> grade, Optional<String> control,
                                 Optional<String> theme, Optional<String> asset, Optional<String> requirement,
                                 Optional<Instant> since, Optional<Instant> until, Sort sort, boolean descending,
                                 int limit, Optional<String> cursor) {

    public static final int MAX_LIMIT = 500;

    public NonconformityQuery {
        statuses = Set.copyOf(statuses);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
    }

    public static NonconformityQuery all() {
        return new NonconformityQuery(Set.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Sort.ID, false, MAX_LIMIT, Optional.empty());
    }

    public NonconformityQuery withStatuses(Set<NonconformityStatus> wanted) {
        return new NonconformityQuery(wanted, grade, control, theme, asset, requirement, since, until, sort, descending, limit, cursor);
    }

    public NonconformityQuery withAsset(String wanted) {
        return new NonconformityQuery(statuses, grade, control, theme, Optional.of(wanted), requirement, since, until, sort, descending,
                limit, cursor);
    }

    public NonconformityQuery withCursor(String next) {
        return new NonconformityQuery(statuses, grade, control, theme, asset, requirement, since, until, sort, descending, limit,
                Optional.of(next));
    }

    /** What a list can be sorted by; ties are broken by id. */
    public enum Sort {
        ID("id"), FIRST_SEEN("firstSeen"), LAST_SEEN("lastSeen"), GRADE("grade"), ASSET("asset"), CONTROL("control");

        private final String field;

        Sort(String field) {
            this.field = field;
        }

        public String field() {
            return field;
        }

        public static Sort parse(String text) {
            for (Sort sort : values()) {
                if (sort.field.equals(text)) {
                    return sort;
                }
            }
            throw new IllegalArgumentException("cannot sort by '" + text + "': use id, firstSeen, lastSeen, grade, asset or control");
        }
    }

    /** One page, and the cursor of the next one (empty on the last page). */
    public record Page<T>(java.util.List<T> items, Optional<String> next) {
    }
}
