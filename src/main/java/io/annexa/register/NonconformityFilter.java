package io.annexa.register;

import java.util.Optional;

/** Which nonconformities to list; an empty field matches all. */
public record NonconformityFilter(Optional<NonconformityStatus> status, Optional<String> control, Optional<String> asset) {

    public static NonconformityFilter all() {
        return new NonconformityFilter(Optional.empty(), Optional.empty(), Optional.empty());
    }
}
