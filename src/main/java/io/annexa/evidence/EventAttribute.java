package io.annexa.evidence;

import java.util.List;
import java.util.Objects;

/**
 * One attribute a {@link LogEvent} kind can carry ({@code LogEvent.attribute(name)}), with what it means for that
 * kind. The attributes that mean the same for every kind carrying them are constants here; the others are declared
 * with their kind in {@link EventKind}. The classifier sets all of them but {@link #OF_EVERY_KIND}, which the log
 * routes add.
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

    /** Added by a live log route, whatever the kind: see {@link #OF_EVERY_KIND}. */
    public static final EventAttribute CLAIMED_TIME = new EventAttribute("claimed_time",
            "the time the line claimed, where a live source (followed file, syslog) replaced it by the time of "
                    + "receipt because it lay more than `annexa.sources.logs.max-clock-skew` ahead, or behind on a route "
                    + "that clamps old times too (syslog by default: `annexa.sources.syslog.clamp-old-timestamps`; "
                    + "followed files with `annexa.sources.logs.clamp-old-timestamps`)");
    public static final EventAttribute CLAIMED_HOST = new EventAttribute("claimed_host",
            "the host a syslog message named, where its sender may not speak for that host "
                    + "(`annexa.sources.syslog.trusted-senders`) and the event is filed under the sender's address");
    /** Attributes the log routes add to an event of any kind, to say why it was not taken at face value. */
    public static final List<EventAttribute> OF_EVERY_KIND = List.of(CLAIMED_TIME, CLAIMED_HOST);

    public EventAttribute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(meaning, "meaning");
    }

    /** The same attribute, with a meaning particular to one kind. */
    public EventAttribute meaning(String particular) {
        return new EventAttribute(name, particular);
    }
}
