package io.annexa.control;

import java.util.List;

/** An ISO/IEC 27001:2022 clause (4 ... 10.2) with its numbered sub-clauses. Titles only. */
public record Clause(String id, String title, List<Clause> clauses) {

    public Clause {
        clauses = List.copyOf(clauses);
    }
}
