package io.annexa.evidence;

import java.util.Objects;

/**
 * One attribute a {@link LogEvent} kind can carry ({@code LogEvent.attribute(name)}), with what it means for that
 * kind. The attributes that mean the same for every kind carrying them are constants here; the others are declared
 * with their kind in {@link EventKind}.
 */
public record EventAttribute(String name, String meaning) {

    public static final EventAttribute SOURCE_IP = new EventAttribute("source_ip",
            "the remote address, an IPv4 or IPv6 literal (`remote` gives it, else `source_host`)");
    public static final EventAttribute SOURCE_HOST = new EventAttribute("source_host",
            "the remote side's host name, where the line names a host instead of an address");
    public static final EventAttribute PORT = new EventAttribute("port", "the remote side's port");
    public static final EventAttribute PREAUTH = new EventAttribute("preauth",
            "`true` when sshd wrote it before authentication ended (`[preauth]`), else `false`");
    public static final EventAttribute INVALID_USER = new EventAttribute("invalid_user",
            "`true` when the account does not exist on the host, `false` when it does (sshd only)");

    public EventAttribute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(meaning, "meaning");
    }

    /** The same attribute, with a meaning particular to one kind. */
    public EventAttribute meaning(String particular) {
        return new EventAttribute(name, particular);
    }
}
