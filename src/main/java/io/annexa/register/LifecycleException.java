package io.annexa.register;

import java.util.List;

/** A lifecycle action the register refuses; the API answers each kind with its own status. */
public abstract sealed class LifecycleException extends RuntimeException {

    LifecycleException(String message) {
        super(message);
    }

    /** No such nonconformity: 404. */
    public static final class NotFound extends LifecycleException {
        NotFound(long id) {
            super("no nonconformity with id " + id);
        }
    }

    /** The request misses or misstates a field: 400, naming the field. */
    public static final class Invalid extends LifecycleException {
        private final String field;

        Invalid(String field, String message) {
            super(field + ": " + message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** Not allowed from the current status: 409, with the actions that are. */
    public static final class IllegalTransition extends LifecycleException {
        private final String status;
        private final List<String> allowed;

        IllegalTransition(LifecycleAction action, NonconformityStatus status, List<LifecycleAction> allowed) {
            super("cannot " + action.label() + " a nonconformity that is " + status.label() + "; allowed now: "
                    + (allowed.isEmpty() ? "none" : String.join(", ", allowed.stream().map(LifecycleAction::label).toList())));
            this.status = status.label();
            this.allowed = allowed.stream().map(LifecycleAction::label).toList();
        }

        public String status() {
            return status;
        }

        public List<String> allowed() {
            return allowed;
        }
    }

    /** Someone changed it since the caller read it: 409; read it again. */
    public static final class Stale extends LifecycleException {
        Stale(long id, Long expected, long actual) {
            super("nonconformity " + id + " changed since it was read" + (expected == null ? "" : " (version " + expected
                    + ", now " + actual + ")") + "; read it again and retry");
        }
    }
}
