package io.annexa.evidence;

import static io.annexa.evidence.EventAttribute.PORT;
import static io.annexa.evidence.EventAttribute.PREAUTH;
import static io.annexa.evidence.EventAttribute.SOURCE_HOST;
import static io.annexa.evidence.EventAttribute.SOURCE_IP;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The kinds of {@link LogEvent} the log classifier produces: what each means, which lines it comes from, the
 * attributes it can carry, and one example line with what the classifier makes of it. The classifier names its
 * kinds by these constants, so it cannot produce a kind that is missing here; its tests check every attribute it
 * produces against {@link #attributes()}. The rule guide's "Event vocabulary" table is generated from this.
 *
 * <p>An attribute a line does not give is absent ({@code attribute(name)} is then {@code ""}). Values are taken
 * verbatim from the line; flags are {@code "true"}/{@code "false"}.
 *
 * <p>Examples are real lines from the corpus (loghub's OpenSSH and Linux logs) where the corpus has a line of that
 * kind; otherwise the line as the program writes it, and the example says so.
 */
public enum EventKind {

    AUTH_FAILURE("auth_failure",
            "An attempt to authenticate failed. sshd and PAM often both report one attempt: rules that count "
                    + "attempts pick one `reported_by`.",
            "sshd `Failed <method> for [invalid user ]X from IP port N`; any PAM module's "
                    + "`authentication failure; ... rhost= user=`; klogind `Authentication failed from`; "
                    + "login `FAILED LOGIN`; ftpd `failed login from`",
            Example.fromCorpus("loghub/OpenSSH_2k.log", "Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid "
                            + "user webmaster from 173.234.31.186 port 38926 ssh2",
                    "user", "webmaster", "source_ip", "173.234.31.186", "port", "38926", "method", "password",
                    "service", "sshd", "invalid_user", "true", "reported_by", "sshd"),
            new EventAttribute("service", "the service asked: `sshd`, `login`, `ftpd`, `klogind`, or the PAM "
                    + "service (`sudo`, `su`, `gdm`, ...)"),
            new EventAttribute("reported_by", "who wrote the line: `sshd`, `login`, `ftpd`, `klogind`, or the PAM "
                    + "module (`pam_unix`, ...)"),
            new EventAttribute("user", "the account tried, verbatim (attackers try empty names and names "
                    + "starting with a space)"),
            EventAttribute.INVALID_USER, SOURCE_IP, SOURCE_HOST,
            new EventAttribute("hostname", "the host name ftpd gives beside the address"),
            PORT,
            new EventAttribute("method", "`password`, `publickey`, `keyboard-interactive`, `none`, ... "
                    + "(sshd; `password` for pam_unix)"),
            new EventAttribute("by_user", "PAM's `ruser`: the user asking, such as the one running su or sudo"),
            new EventAttribute("tty", "the terminal (PAM's `tty=`)"),
            new EventAttribute("reason", "why, in the program's words (klogind, login)")),

    AUTH_FAILURE_LIMIT("auth_failure_limit",
            "A connection or PAM conversation ended after too many failed attempts.",
            "sshd `error: maximum authentication attempts exceeded for ...`, "
                    + "`Disconnecting: Too many authentication failures ...`; libpam "
                    + "`PAM N more authentication failures`",
            Example.fromCorpus("loghub/OpenSSH_2k.log", "Dec 10 07:13:56 LabSZ sshd[24227]: Disconnecting: Too many "
                            + "authentication failures for root [preauth]",
                    "user", "root", "service", "sshd", "reported_by", "sshd", "preauth", "true"),
            new EventAttribute("service", "`sshd`, or the program libpam ran in"),
            new EventAttribute("reported_by", "`sshd` or `pam`"),
            new EventAttribute("user", "the account tried, verbatim"),
            EventAttribute.INVALID_USER, SOURCE_IP, SOURCE_HOST, PORT,
            new EventAttribute("count", "how many more failures PAM saw (libpam's line only)"),
            PREAUTH),

    INVALID_USER("invalid_user",
            "sshd was asked for an account that does not exist. sshd writes two lines per attempt: "
                    + "`Invalid user` with the address, and `input_userauth_request` without it.",
            "sshd `Invalid user X from IP [port N]`; `input_userauth_request: invalid user X [preauth]`",
            Example.fromCorpus("loghub/OpenSSH_2k.log",
                    "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
                    "user", "webmaster", "source_ip", "173.234.31.186"),
            new EventAttribute("user", "the name tried, verbatim (may be empty or start with a space)"),
            SOURCE_IP, SOURCE_HOST, PORT,
            PREAUTH.meaning("`true` on the `input_userauth_request` line, which gives no address")),

    AUTH_SUCCESS("auth_success",
            "Someone logged in.",
            "sshd `Accepted <method> for X from IP port N`; login `ROOT LOGIN ON tty`, `LOGIN ON tty BY X`; "
                    + "ftpd `ANONYMOUS FTP LOGIN FROM`, `FTP LOGIN FROM`",
            Example.fromCorpus("loghub/OpenSSH_2k.log", "Dec 10 09:32:20 LabSZ sshd[24680]: Accepted password for fztu "
                            + "from 119.137.62.142 port 49116 ssh2",
                    "user", "fztu", "source_ip", "119.137.62.142", "port", "49116", "method", "password",
                    "service", "sshd"),
            new EventAttribute("service", "`sshd`, `login` or `ftpd`"),
            new EventAttribute("user", "the account logged in to"),
            SOURCE_IP, SOURCE_HOST,
            new EventAttribute("hostname", "the host name ftpd gives beside the address"),
            PORT,
            new EventAttribute("method", "`password`, `publickey`, `keyboard-interactive`, ... (sshd); "
                    + "`anonymous` or `password` (ftpd)"),
            new EventAttribute("tty", "the terminal of a console login")),

    SESSION_OPENED("session_opened",
            "A PAM session began: a login, su, sudo, a cron job, ...",
            "PAM `session opened for user X by Y(uid=N)`",
            Example.fromCorpus("loghub/OpenSSH_2k.log", "Dec 10 09:32:20 LabSZ sshd[24680]: pam_unix(sshd:session): "
                            + "session opened for user fztu by (uid=0)",
                    "service", "sshd", "user", "fztu", "by_uid", "0"),
            new EventAttribute("service", "the PAM service: `sshd`, `su`, `sudo`, `cron`, `login`, ..."),
            new EventAttribute("user", "the account the session runs as"),
            new EventAttribute("uid", "its uid, where PAM gives it"),
            new EventAttribute("by_user", "who opened it (`LOGIN`, the user running su or sudo)"),
            new EventAttribute("by_uid", "the uid of who opened it")),

    SESSION_CLOSED("session_closed",
            "A PAM session ended.",
            "PAM `session closed for user X`",
            Example.fromCorpus("loghub/OpenSSH_2k.log", "Dec 10 09:45:06 LabSZ sshd[24680]: pam_unix(sshd:session): "
                            + "session closed for user fztu",
                    "service", "sshd", "user", "fztu"),
            new EventAttribute("service", "the PAM service"),
            new EventAttribute("user", "the account the session ran as")),

    PRIVILEGE_USE("privilege_use",
            "sudo ran or refused a command as another user; su switched or failed to switch user.",
            "sudo `alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id` and its refusals "
                    + "(`alice : 3 incorrect password attempts ; TTY=...`); su `(to root) alice on pts/0`, "
                    + "`FAILED SU (to root) alice on pts/0`, `Successful su for root by alice`, "
                    + "`FAILED su for root by alice`",
            Example.asWritten("the corpus has no sudo or su line; as sudo writes it",
                    "Dec 10 08:24:32 web1 sudo[9]:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
                            + "COMMAND=/usr/bin/id",
                    "service", "sudo", "user", "alice", "tty", "pts/0", "pwd", "/home/alice", "target_user", "root",
                    "command", "/usr/bin/id", "success", "true"),
            new EventAttribute("service", "`sudo` or `su`"),
            new EventAttribute("user", "who ran sudo or su"),
            new EventAttribute("target_user", "the user the command was to run as, or su switched to"),
            new EventAttribute("command", "the command with its arguments (sudo)"),
            new EventAttribute("tty", "the terminal"),
            new EventAttribute("pwd", "the working directory (sudo)"),
            new EventAttribute("success", "`true` when it ran or switched, `false` when refused or failed"),
            new EventAttribute("reason", "why sudo refused, in its words (`user NOT in sudoers`)")),

    ACCOUNT_CHANGE("account_change",
            "A user or group was created, deleted, changed or locked, or a password changed.",
            "shadow-utils useradd, userdel, usermod, groupadd, groupdel, passwd, chage, gpasswd; PAM "
                    + "`password changed for X`",
            Example.asWritten("the corpus has no shadow-utils line; as useradd writes it",
                    "Dec 10 08:24:32 web1 useradd[9]: new user: name=bob, UID=1001, GID=1001, home=/home/bob, "
                            + "shell=/bin/bash, from=/dev/pts/0",
                    "service", "useradd", "action", "create_user", "user", "bob", "uid", "1001", "gid", "1001",
                    "home", "/home/bob", "shell", "/bin/bash"),
            new EventAttribute("action", "`create_user`, `delete_user`, `modify_user`, `lock_user`, `unlock_user`, "
                    + "`change_password`, `create_group`, `delete_group`, `add_to_group`, `remove_from_group`"),
            new EventAttribute("user", "the account changed"),
            new EventAttribute("group", "the group created, deleted, joined or left"),
            new EventAttribute("uid", "the new account's uid"),
            new EventAttribute("gid", "the new account's or group's gid"),
            new EventAttribute("home", "the new account's home directory"),
            new EventAttribute("shell", "the new account's shell"),
            new EventAttribute("by_user", "who made the change, where the line says (passwd, gpasswd)"),
            new EventAttribute("detail", "the line itself, for changes it describes in its own words "
                    + "(`modify_user`)"),
            new EventAttribute("service", "the program: `useradd`, `usermod`, `passwd`, ..., or the PAM service"),
            new EventAttribute("reported_by", "the PAM module, for PAM's `password changed`")),

    SERVICE_STATE("service_state",
            "A service or systemd unit started, stopped, finished, restarted or failed.",
            "systemd `Started X.`, `Stopped X.`, `Finished X.`, `Failed to start X.`, "
                    + "`X.service: Failed with result 'exit-code'.`; SysV init scripts `cupsd startup succeeded`, "
                    + "`... shutdown succeeded`, `... startup failed`; sshd `Server listening on ADDR port N.`, "
                    + "`Received signal 15; terminating.`; sysklogd `restart.`",
            Example.fromCorpus("loghub/Linux_2k.log", "Jun 19 04:09:02 combo cups: cupsd startup succeeded",
                    "unit", "cupsd", "state", "started"),
            new EventAttribute("unit", "the unit or service (`apt-daily.service`, `cupsd`, `sshd`); older systemd "
                    + "names only the description"),
            new EventAttribute("state", "`started`, `stopped`, `failed`, `finished` or `restarted`"),
            new EventAttribute("result", "systemd's result of a failure (`exit-code`)"),
            new EventAttribute("description", "the unit's description, where systemd gives it beside the name"),
            new EventAttribute("address", "the address sshd listens on"),
            PORT.meaning("the port sshd listens on")),

    JOB_FAILURE("job_failure",
            "A scheduled job failed.",
            "cron `(CRON) error (...)`, `(root) ERROR (...)`; anacron "
                    + "``Job `cron.daily' terminated (exit status: 1)``; logrotate `error: ...`, "
                    + "`ALERT exited abnormally with [1]`",
            Example.fromCorpus("loghub/Linux_2k.log", "Jun 15 04:06:20 combo logrotate: ALERT exited abnormally with [1]",
                    "job", "logrotate", "detail", "exited abnormally with [1]"),
            new EventAttribute("job", "`cron`, `logrotate`, or anacron's job (`cron.daily`)"),
            new EventAttribute("detail", "what went wrong, in the program's words"),
            new EventAttribute("user", "whose cron job, where cron says")),

    CONNECTION_OPENED("connection_opened",
            "A client connected.",
            "ftpd `connection from IP (host)`",
            Example.fromCorpus("loghub/Linux_2k.log", "Jun 17 07:07:00 combo ftpd[29504]: connection from 24.54.76.216 "
                            + "(24-54-76-216.bflony.adelphia.net) at Fri Jun 17 07:07:00 2005 ",
                    "service", "ftpd", "source_ip", "24.54.76.216", "hostname", "24-54-76-216.bflony.adelphia.net"),
            new EventAttribute("service", "`ftpd` or `vsftpd`"),
            SOURCE_IP, SOURCE_HOST,
            new EventAttribute("hostname", "the client's host name, as ftpd resolved it")),

    CONNECTION_CLOSED("connection_closed",
            "An sshd connection ended before a login, or was reset.",
            "sshd `Connection closed by [invalid user X ]IP [port N] [preauth]`, `Connection reset by ...`",
            Example.fromCorpus("loghub/OpenSSH_2k.log",
                    "Dec 10 06:55:48 LabSZ sshd[24200]: Connection closed by 173.234.31.186 [preauth]",
                    "source_ip", "173.234.31.186", "preauth", "true"),
            SOURCE_IP, SOURCE_HOST, PORT,
            new EventAttribute("user", "the account being tried, where sshd names it"),
            EventAttribute.INVALID_USER, PREAUTH,
            new EventAttribute("reason", "`reset` for a reset connection")),

    DISCONNECT("disconnect",
            "An sshd client disconnected, or sshd disconnected it.",
            "sshd `[error: ]Received disconnect from IP[ port N]: 11: Bye Bye [preauth]`, "
                    + "`Disconnected from [user X ]IP port N`",
            Example.fromCorpus("loghub/OpenSSH_2k.log", "Dec 10 07:07:45 LabSZ sshd[24206]: Received disconnect from "
                            + "52.80.34.196: 11: Bye Bye [preauth]",
                    "source_ip", "52.80.34.196", "code", "11", "reason", "Bye Bye", "preauth", "true"),
            SOURCE_IP, SOURCE_HOST, PORT,
            new EventAttribute("user", "the account, where sshd names it"),
            EventAttribute.INVALID_USER, PREAUTH,
            new EventAttribute("code", "the SSH disconnect reason code (`11`: by application)"),
            new EventAttribute("reason", "the disconnect message (`Bye Bye`)")),

    CONNECTION_PROBE("connection_probe",
            "Something connected to sshd and never tried to log in: a scanner.",
            "sshd `Did not receive identification string from`, `Bad protocol version identification`, "
                    + "`Unable to negotiate with`",
            Example.fromCorpus("loghub/OpenSSH_2k.log",
                    "Dec 10 07:34:33 LabSZ sshd[24301]: Did not receive identification string from 123.235.32.19",
                    "source_ip", "123.235.32.19", "preauth", "false", "reason", "no_identification"),
            SOURCE_IP, SOURCE_HOST, PORT,
            new EventAttribute("reason", "`no_identification`, `bad_protocol_version` or `unable_to_negotiate`"),
            PREAUTH),

    POSSIBLE_BREAK_IN("possible_break_in",
            "A client's address and host name do not match each other in DNS (OpenSSH before 6.8 called it "
                    + "a possible break-in attempt; mostly broken DNS).",
            "sshd `reverse mapping checking getaddrinfo for X [IP] failed - POSSIBLE BREAK-IN ATTEMPT!`, "
                    + "`Address IP maps to X, but this does not map back to the address - POSSIBLE BREAK-IN "
                    + "ATTEMPT!`",
            Example.fromCorpus("loghub/OpenSSH_2k.log", "Dec 10 06:55:46 LabSZ sshd[24200]: reverse mapping checking "
                            + "getaddrinfo for ns.marryaldkfaczcz.com [173.234.31.186] failed - POSSIBLE BREAK-IN "
                            + "ATTEMPT!",
                    "source_ip", "173.234.31.186", "hostname", "ns.marryaldkfaczcz.com"),
            SOURCE_IP,
            new EventAttribute("hostname", "the host name the address maps to"));

    /**
     * One line and the event the classifier makes of it.
     *
     * @param line       the log line, whole
     * @param origin     for a real line, the corpus file it is from, relative to {@code src/test/resources/corpus}
     *                   ({@code loghub/OpenSSH_2k.log}); otherwise why no real line was taken
     * @param real       whether the line was taken from a real log
     * @param attributes the attributes its event carries, exactly
     */
    public record Example(String line, String origin, boolean real, Map<String, String> attributes) {

        public Example {
            attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        }

        static Example fromCorpus(String corpusFile, String line, String... attributes) {
            return new Example(line, corpusFile, true, pairs(attributes));
        }

        static Example asWritten(String why, String line, String... attributes) {
            return new Example(line, why, false, pairs(attributes));
        }

        private static Map<String, String> pairs(String... keysAndValues) {
            Map<String, String> map = new LinkedHashMap<>();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                map.put(keysAndValues[i], keysAndValues[i + 1]);
            }
            return map;
        }
    }

    private final String id;
    private final String meaning;
    private final String writtenBy;
    private final Example example;
    private final List<EventAttribute> attributes;
    private final Set<String> attributeNames;

    EventKind(String id, String meaning, String writtenBy, Example example, EventAttribute... attributes) {
        this.id = id;
        this.meaning = meaning;
        this.writtenBy = writtenBy;
        this.example = example;
        this.attributes = List.of(attributes);
        // declaration order, so the guide lists them as written here
        Set<String> names = new LinkedHashSet<>();
        this.attributes.forEach(a -> names.add(a.name()));
        EventAttribute.OF_EVERY_KIND.forEach(a -> names.add(a.name()));
        this.attributeNames = Collections.unmodifiableSet(names);
    }

    /** The kind as {@code LogEvent.getKind()} gives it and rules name it: {@code auth_failure}. */
    public String id() {
        return id;
    }

    /** What an event of this kind says happened, in a sentence or two. */
    public String meaning() {
        return meaning;
    }

    /** The programs and message shapes that yield this kind. */
    public String writtenBy() {
        return writtenBy;
    }

    public Example example() {
        return example;
    }

    /**
     * The attributes the classifier gives events of this kind; one event carries those its line gives. Events of any
     * kind may carry {@link EventAttribute#OF_EVERY_KIND} besides.
     */
    public List<EventAttribute> attributes() {
        return attributes;
    }

    /** Every attribute name an event of this kind can carry: its {@link #attributes()}, then those of every kind. */
    public Set<String> attributeNames() {
        return attributeNames;
    }

    public boolean carries(String attribute) {
        return attributeNames.contains(attribute);
    }

    public Optional<EventAttribute> attribute(String name) {
        return Stream.concat(attributes.stream(), EventAttribute.OF_EVERY_KIND.stream())
                .filter(a -> a.name().equals(name)).findFirst();
    }

    /** The kind called {@code id} ({@code auth_failure}), if there is one. */
    public static Optional<EventKind> byId(String id) {
        for (EventKind kind : values()) {
            if (kind.id.equals(id)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return id;
    }
}
