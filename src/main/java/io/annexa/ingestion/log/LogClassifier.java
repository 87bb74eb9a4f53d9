package io.annexa.ingestion.log;

import static io.annexa.evidence.EventKind.ACCOUNT_CHANGE;
import static io.annexa.evidence.EventKind.AUTH_FAILURE;
import static io.annexa.evidence.EventKind.AUTH_FAILURE_LIMIT;
import static io.annexa.evidence.EventKind.AUTH_SUCCESS;
import static io.annexa.evidence.EventKind.CONNECTION_CLOSED;
import static io.annexa.evidence.EventKind.CONNECTION_OPENED;
import static io.annexa.evidence.EventKind.CONNECTION_PROBE;
import static io.annexa.evidence.EventKind.DISCONNECT;
import static io.annexa.evidence.EventKind.INVALID_USER;
import static io.annexa.evidence.EventKind.JOB_FAILURE;
import static io.annexa.evidence.EventKind.POSSIBLE_BREAK_IN;
import static io.annexa.evidence.EventKind.PRIVILEGE_USE;
import static io.annexa.evidence.EventKind.SERVICE_STATE;
import static io.annexa.evidence.EventKind.SESSION_CLOSED;
import static io.annexa.evidence.EventKind.SESSION_OPENED;

import io.annexa.evidence.AssetNames;
import io.annexa.evidence.EventKind;
import io.annexa.evidence.LogEvent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Turns a syslog message into typed {@link LogEvent}s. Dispatches on the program, then on message prefixes,
 * and extracts fields by scanning: no regular expressions, since this runs once per log line. Thread-safe.
 *
 * <p>Values are taken verbatim from the line. User names in particular are never trimmed: attackers try names
 * with leading spaces ({@code Invalid user  0101 from ...} is the user {@code " 0101"}) and empty ones
 * ({@code Invalid user  from ...} is the user {@code ""}). An attribute the line does not give is absent, and
 * {@link LogEvent#attribute} then answers {@code ""}. {@code source_ip} holds an address literal (IPv4 or IPv6);
 * where the line names a host instead (PAM's {@code rhost=}, sshd with {@code UseDNS yes}) it goes to
 * {@code source_host}. Flags are {@code "true"}/{@code "false"}.
 *
 * <p>Several programs report one attempt: a wrong sshd password yields {@code pam_unix(sshd:auth):
 * authentication failure} <em>and</em> {@code Failed password}. Both become {@code auth_failure}, told apart by
 * {@code reported_by} ({@code sshd} or the PAM module); rules that count attempts pick one reporter.
 *
 * <p>The kinds, the attributes each can carry and the lines each comes from are declared in {@link EventKind}:
 * {@link Found} takes its constants, so this class cannot produce an undeclared kind, and the tests check every
 * attribute it produces against the declaration. A new attribute or message shape is declared there first.
 *
 * <p>{@code message repeated N times: [ msg]} (rsyslog) stands for N more lines saying {@code msg}: it yields msg's
 * events once, each with {@link LogEvent#getRepeat()} N (capped at 100,000), so that counting rules count N
 * in O(1) work. sysklogd's {@code last message repeated N times}
 * does not say what was repeated, and this classifier keeps no state between lines: it stays unclassified.
 * So do lines that only repeat what another line of the same attempt already says with more detail
 * ({@code check pass; user unknown}, {@code Kerberos authentication failed}, su's {@code + pts/0 alice:root}).
 */
public final class LogClassifier {

    /**
     * A forged count must not let one line outweigh any real burst by orders of magnitude (nor overflow a
     * window's count when added up); real repeat counts, folded within seconds by rsyslog, stay far below this.
     */
    static final int MAX_REPEATS = 100_000;

    private static final String REPEATED = "message repeated ";

    private AssetName lastAsset;

    public Classification classify(String asset, SyslogRecord record) {
        String normalized = normalize(asset);
        String program = record.program();
        String message = record.message();
        int repeats = 1;
        if (message.startsWith(REPEATED)) {
            int times = Text.digitsEnd(message, REPEATED.length());
            int open = times + " times: [".length();
            int close = message.lastIndexOf(']');
            if (times == REPEATED.length() || !message.startsWith(" times: [", times) || close < open) {
                return Classification.unclassified();
            }
            repeats = (int) Math.min(MAX_REPEATS, Text.parseCount(message, REPEATED.length(), times));
            // rsyslog keeps the space that separated the tag from the repeated message
            int innerStart = open < close && message.charAt(open) == ' ' ? open + 1 : open;
            message = message.substring(innerStart, close);
        }
        Found found = recognize(program, message);
        if (found == null || repeats < 1) {
            return Classification.unclassified();
        }
        return new Classification(List.of(new LogEvent(normalized, record.timestamp(), program, found.kind().id(),
                found.attributes(), record.raw(), repeats)), true);
    }

    /**
     * {@link LogEvent} normalises every asset name it gets; an already normal name costs it nothing, while
     * lower-casing "LabSZ" on every line did. Lines come in runs from one host, so one remembered name suffices.
     * An immutable pair: threads racing on the field see one whole pair or the other.
     */
    private String normalize(String asset) {
        AssetName last = lastAsset;
        if (last != null && last.raw().equals(asset)) {
            return last.normalized();
        }
        String normalized = AssetNames.normalize(asset);
        lastAsset = new AssetName(asset, normalized);
        return normalized;
    }

    private record AssetName(String raw, String normalized) {
    }

    /** A kind and its attributes, before it is tied to an asset and a line. */
    private record Found(EventKind kind, Map<String, String> attributes) {
    }

    private static Found recognize(String program, String message) {
        if (message.startsWith("pam_")) {
            return Pam.modern(message);
        }
        switch (program) {
            case "sshd":
            case "sshd-session": // OpenSSH 9.8 moved the per-connection messages here
            case "sshd-auth":
                return Sshd.classify(program, message);
            case "sudo":
                return Privileges.sudo(message);
            case "su":
                return Privileges.su(message);
            case "useradd":
            case "userdel":
            case "usermod":
            case "groupadd":
            case "groupdel":
            case "groupmod":
            case "passwd":
            case "chpasswd":
            case "chage":
            case "gpasswd":
            case "newusers":
                return Accounts.shadow(program, message);
            case "systemd":
                return Services.systemd(message);
            case "cron":
            case "CRON":
            case "crond":
                return Jobs.cron(message);
            case "anacron":
                return Jobs.anacron(message);
            case "logrotate":
                return Jobs.logrotate(message);
            case "ftpd":
            case "vsftpd":
                return RemoteAccess.ftpd(program, message);
            case "klogind":
            case "kshd":
                return RemoteAccess.kerberosLogin(program, message);
            case "login":
                return RemoteAccess.login(message);
            default:
                return other(program, message);
        }
    }

    private static Found other(String program, String message) {
        if (program.endsWith(")")) {
            // Linux-PAM before 0.99 wrote "sshd(pam_unix)[19939]: authentication failure; ..."
            int open = program.indexOf('(');
            if (open > 0) {
                return Pam.body(program.substring(open + 1, program.length() - 1), program.substring(0, open),
                        message, 0);
            }
        }
        if (message.startsWith("PAM ")) {
            return Pam.moreFailures(program, message);
        }
        if (program.startsWith("-- ")) {
            // old login(1) logs under its argv[0], "-- root", rather than "login"
            return RemoteAccess.login(message);
        }
        if (program.startsWith("syslogd") && message.startsWith("restart")) {
            return new Found(SERVICE_STATE,
                    new Attributes().put("unit", "syslogd").put("state", "restarted").build());
        }
        return Services.initScript(message);
    }

    // ------------------------------------------------------------------------------------------------- sshd

    private static final class Sshd {

        private static final String PREAUTH = " [preauth]";

        static Found classify(String program, String m) {
            boolean preauth = m.endsWith(PREAUTH);
            int end = preauth ? m.length() - PREAUTH.length() : m.length();
            switch (m.isEmpty() ? ' ' : m.charAt(0)) {
                case 'F':
                    return m.startsWith("Failed ") ? login(AUTH_FAILURE, m, "Failed ".length(), end) : null;
                case 'A':
                    if (m.startsWith("Accepted ")) {
                        return login(AUTH_SUCCESS, m, "Accepted ".length(), end);
                    }
                    return m.startsWith("Address ") ? addressMapping(m) : null;
                case 'R':
                    if (m.startsWith("Received disconnect from ")) {
                        return receivedDisconnect(m, "Received disconnect from ".length(), end, preauth);
                    }
                    if (m.startsWith("Received signal ") && m.endsWith("; terminating.")) {
                        return new Found(SERVICE_STATE,
                                new Attributes().put("unit", program).put("state", "stopped").build());
                    }
                    return null;
                case 'e':
                    if (m.startsWith("error: Received disconnect from ")) {
                        return receivedDisconnect(m, "error: Received disconnect from ".length(), end, preauth);
                    }
                    if (m.startsWith("error: maximum authentication attempts exceeded for ")) {
                        return limit(m, "error: maximum authentication attempts exceeded for ".length(), end,
                                preauth);
                    }
                    return null;
                case 'i':
                    if (m.startsWith("input_userauth_request: invalid user ")) {
                        String user = m.substring("input_userauth_request: invalid user ".length(), end);
                        return new Found(INVALID_USER, new Attributes().put("user", user)
                                .put("preauth", Text.flag(preauth)).build());
                    }
                    return null;
                case 'I':
                    return m.startsWith("Invalid user ") ? invalidUser(m, end) : null;
                case 'r':
                    return m.startsWith("reverse mapping checking getaddrinfo for ") ? reverseMapping(m) : null;
                case 'C':
                    if (m.startsWith("Connection closed by ")) {
                        return connection(m, "Connection closed by ".length(), end, preauth, null);
                    }
                    if (m.startsWith("Connection reset by ")) {
                        return connection(m, "Connection reset by ".length(), end, preauth, "reset");
                    }
                    return null;
                case 'D':
                    if (m.startsWith("Disconnected from ")) {
                        return peer(DISCONNECT, m, "Disconnected from ".length(), end, preauth).build();
                    }
                    if (m.startsWith("Disconnecting")) {
                        return tooManyFailures(m, end, preauth);
                    }
                    if (m.startsWith("Did not receive identification string from ")) {
                        return peer(CONNECTION_PROBE, m, "Did not receive identification string from ".length(),
                                end, preauth).put("reason", "no_identification").build();
                    }
                    return null;
                case 'B':
                    return m.startsWith("Bad protocol version identification ") ? badProtocol(m, end, preauth) : null;
                case 'U':
                    return m.startsWith("Unable to negotiate with ") ? unableToNegotiate(m, preauth) : null;
                case 'S':
                    return m.startsWith("Server listening on ") ? listening(program, m) : null;
                case 'P':
                    return m.startsWith("PAM ") ? Pam.moreFailures(program, m) : null;
                default:
                    return null;
            }
        }

        /** {@code Failed|Accepted <method> for [invalid user ]NAME from ADDR port N ssh2[: key]}. */
        private static Found login(EventKind kind, String m, int methodStart, int end) {
            int methodEnd = m.indexOf(' ', methodStart);
            if (methodEnd < 0 || !m.startsWith(" for ", methodEnd)) {
                return null;
            }
            Login login = Login.parse(m, methodEnd + " for ".length(), end);
            if (login == null) {
                return null;
            }
            Attributes attributes = login.put(new Attributes())
                    .put("method", method(m.substring(methodStart, methodEnd)))
                    .put("service", "sshd");
            if (kind == AUTH_FAILURE) {
                attributes.put("invalid_user", Text.flag(login.invalidUser())).put("reported_by", "sshd");
            }
            return new Found(kind, attributes.build());
        }

        /** keyboard-interactive/pam is keyboard-interactive carried out by PAM: one method for rules. */
        private static String method(String logged) {
            int slash = logged.indexOf('/');
            return slash < 0 ? logged : logged.substring(0, slash);
        }

        /** {@code Invalid user NAME from ADDR[ port N]}: the name is everything up to the last " from ". */
        private static Found invalidUser(String m, int end) {
            int nameStart = "Invalid user ".length();
            int from = m.lastIndexOf(" from ", end);
            if (from < nameStart - 1) {
                return null;
            }
            String user = from < nameStart ? "" : m.substring(nameStart, from);
            Attributes attributes = new Attributes().put("user", user);
            Address.put(attributes, m, from + " from ".length(), end);
            return new Found(INVALID_USER, attributes.build());
        }

        private static Found limit(String m, int loginStart, int end, boolean preauth) {
            Login login = Login.parse(m, loginStart, end);
            if (login == null) {
                return null;
            }
            return new Found(AUTH_FAILURE_LIMIT, login.put(new Attributes())
                    .put("invalid_user", Text.flag(login.invalidUser()))
                    .put("service", "sshd").put("reported_by", "sshd").put("preauth", Text.flag(preauth)).build());
        }

        /**
         * {@code Disconnecting: Too many authentication failures for root} (before OpenSSH 7.5) and
         * {@code Disconnecting authenticating user root 1.2.3.4 port 22: Too many authentication failures}.
         */
        private static Found tooManyFailures(String m, int end, boolean preauth) {
            String old = "Disconnecting: Too many authentication failures";
            Attributes attributes;
            if (m.startsWith(old)) {
                attributes = new Attributes();
                if (m.startsWith(" for ", old.length())) {
                    attributes.put("user", m.substring(old.length() + " for ".length(), end));
                }
            } else {
                int reason = m.indexOf(": Too many authentication failures", "Disconnecting ".length());
                if (!m.startsWith("Disconnecting ") || reason < 0) {
                    return null;
                }
                attributes = peer(AUTH_FAILURE_LIMIT, m, "Disconnecting ".length(), reason, preauth).attributes;
            }
            return new Found(AUTH_FAILURE_LIMIT, attributes.put("service", "sshd").put("reported_by", "sshd")
                    .put("preauth", Text.flag(preauth)).build());
        }

        /**
         * {@code Received disconnect from ADDR: 11: Bye Bye} (before OpenSSH 7.3) and
         * {@code Received disconnect from ADDR port N:11: Bye Bye}. The address may be IPv6, so the colon that
         * ends it is the one before a space.
         */
        private static Found receivedDisconnect(String m, int addressStart, int end, boolean preauth) {
            int tokenEnd = Text.indexOf(m, ' ', addressStart, end);
            Attributes attributes = new Attributes();
            int codeStart;
            if (m.charAt(tokenEnd - 1) == ':') {
                Address.putAddress(attributes, m.substring(addressStart, tokenEnd - 1));
                codeStart = tokenEnd + 1;
            } else if (m.startsWith(" port ", tokenEnd)) {
                Address.putAddress(attributes, m.substring(addressStart, tokenEnd));
                int portStart = tokenEnd + " port ".length();
                int portEnd = Text.digitsEnd(m, portStart);
                attributes.put("port", portEnd > portStart ? m.substring(portStart, portEnd) : null);
                codeStart = portEnd < end && m.charAt(portEnd) == ':' ? portEnd + 1 : end;
            } else {
                return null;
            }
            while (codeStart < end && m.charAt(codeStart) == ' ') {
                codeStart++;
            }
            int codeEnd = Text.digitsEnd(m, codeStart);
            if (codeEnd > codeStart && codeEnd < end && m.charAt(codeEnd) == ':') {
                attributes.put("code", m.substring(codeStart, codeEnd));
                attributes.put("reason", m.substring(Math.min(end, codeEnd + 2), end).strip());
            }
            return new Found(DISCONNECT, attributes.put("preauth", Text.flag(preauth)).build());
        }

        private static Found connection(String m, int from, int end, boolean preauth, String reason) {
            return peer(CONNECTION_CLOSED, m, from, end, preauth).put("reason", reason).build();
        }

        /**
         * {@code [authenticating user |invalid user |user ]NAME ADDR[ port N]}, read from the right because
         * the name may hold spaces or be empty.
         */
        private static Partial peer(EventKind kind, String m, int from, int end, boolean preauth) {
            Attributes attributes = new Attributes();
            int addressEnd = end;
            int lastSpace = m.lastIndexOf(' ', end - 1);
            if (lastSpace >= from && lastSpace + 1 < end && Text.digitsEnd(m, lastSpace + 1) == end
                    && lastSpace - 5 >= from
                    && m.startsWith(" port", lastSpace - 5)) {
                attributes.put("port", m.substring(lastSpace + 1, end));
                addressEnd = lastSpace - 5;
            }
            int addressStart = Math.max(from, m.lastIndexOf(' ', addressEnd - 1) + 1);
            Address.putAddress(attributes, m.substring(addressStart, addressEnd));
            if (addressStart > from) {
                int nameEnd = addressStart - 1;
                if (m.startsWith("invalid user", from)) {
                    attributes.put("user", Text.after(m, from + "invalid user".length(), nameEnd))
                            .put("invalid_user", "true");
                } else if (m.startsWith("authenticating user", from)) {
                    attributes.put("user", Text.after(m, from + "authenticating user".length(), nameEnd))
                            .put("invalid_user", "false");
                } else if (m.startsWith("user", from)) {
                    attributes.put("user", Text.after(m, from + "user".length(), nameEnd))
                            .put("invalid_user", "false");
                }
            }
            return new Partial(kind, attributes.put("preauth", Text.flag(preauth)));
        }

        /** {@code reverse mapping checking getaddrinfo for HOST [IP] failed - POSSIBLE BREAK-IN ATTEMPT!}. */
        private static Found reverseMapping(String m) {
            if (!m.endsWith("POSSIBLE BREAK-IN ATTEMPT!")) {
                return null; // OpenSSH 6.8+ no longer calls it an attack; it is mostly broken DNS
            }
            int hostStart = "reverse mapping checking getaddrinfo for ".length();
            int open = m.indexOf(" [", hostStart);
            int close = open < 0 ? -1 : m.indexOf(']', open);
            if (close < 0) {
                return null;
            }
            return new Found(POSSIBLE_BREAK_IN, new Attributes().put("source_ip", m.substring(open + 2, close))
                    .put("hostname", m.substring(hostStart, open)).build());
        }

        /** {@code Address IP maps to HOST, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!}. */
        private static Found addressMapping(String m) {
            int ipEnd = m.indexOf(" maps to ", "Address ".length());
            int hostEnd = ipEnd < 0 ? -1 : m.indexOf(", but this does not map back", ipEnd);
            if (hostEnd < 0 || !m.endsWith("POSSIBLE BREAK-IN ATTEMPT!")) {
                return null;
            }
            return new Found(POSSIBLE_BREAK_IN, new Attributes()
                    .put("source_ip", m.substring("Address ".length(), ipEnd))
                    .put("hostname", m.substring(ipEnd + " maps to ".length(), hostEnd)).build());
        }

        /** {@code Bad protocol version identification 'GET / HTTP/1.1' from ADDR port N}. */
        private static Found badProtocol(String m, int end, boolean preauth) {
            int from = m.lastIndexOf(" from ", end);
            if (from < 0) {
                return null;
            }
            return peer(CONNECTION_PROBE, m, from + " from ".length(), end, preauth)
                    .put("reason", "bad_protocol_version").build();
        }

        /** {@code Unable to negotiate with ADDR port N: no matching key exchange method found. ...}. */
        private static Found unableToNegotiate(String m, boolean preauth) {
            int start = "Unable to negotiate with ".length();
            int colon = m.indexOf(": ", start);
            if (colon < 0) {
                return null;
            }
            return peer(CONNECTION_PROBE, m, start, colon, preauth).put("reason", "unable_to_negotiate").build();
        }

        /** {@code Server listening on 0.0.0.0 port 22.}: sshd (re)started and accepts connections. */
        private static Found listening(String program, String m) {
            int addressStart = "Server listening on ".length();
            int port = m.indexOf(" port ", addressStart);
            if (port < 0) {
                return null;
            }
            int portStart = port + " port ".length();
            return new Found(SERVICE_STATE, new Attributes().put("unit", program).put("state", "started")
                    .put("address", m.substring(addressStart, port))
                    .put("port", m.substring(portStart, Text.digitsEnd(m, portStart))).build());
        }
    }

    /** sshd's {@code [invalid user ]NAME from ADDR[ port N]}; the name is everything up to the last " from ". */
    private record Login(String user, boolean invalidUser, String address, String port) {

        static Login parse(String m, int from, int end) {
            int fromWord = m.lastIndexOf(" from ", end);
            if (fromWord < from - 1) {
                return null;
            }
            boolean invalid = m.startsWith("invalid user ", from) && fromWord >= from + "invalid user".length();
            int nameStart = invalid ? from + "invalid user ".length() : from;
            String user = fromWord < nameStart ? "" : m.substring(nameStart, fromWord);
            int addressStart = fromWord + " from ".length();
            int addressEnd = Text.indexOf(m, ' ', addressStart, end);
            String port = null;
            if (m.startsWith(" port ", addressEnd)) {
                int portStart = addressEnd + " port ".length();
                port = m.substring(portStart, Text.digitsEnd(m, portStart));
            }
            return new Login(user, invalid, m.substring(addressStart, addressEnd), port);
        }

        Attributes put(Attributes attributes) {
            Address.putAddress(attributes.put("user", user), address);
            return attributes.put("port", port);
        }
    }

    /** A kind whose attributes are still being gathered. */
    private record Partial(EventKind kind, Attributes attributes) {

        Partial put(String key, String value) {
            attributes.put(key, value);
            return this;
        }

        Found build() {
            return new Found(kind, attributes.build());
        }
    }

    // ------------------------------------------------------------------------------------------------- PAM

    private static final class Pam {

        /** {@code pam_unix(sshd:auth): body}: module, then service and management group. */
        static Found modern(String m) {
            int open = m.indexOf('(');
            int colon = open < 0 ? -1 : m.indexOf(':', open);
            int close = colon < 0 ? -1 : m.indexOf("): ", colon);
            if (close < 0) {
                return null;
            }
            return body(m.substring(0, open), m.substring(open + 1, colon), m, close + "): ".length());
        }

        static Found body(String module, String service, String m, int at) {
            if (m.startsWith("authentication failure;", at)) {
                return authenticationFailure(module, service, m, at + "authentication failure;".length());
            }
            if (m.startsWith("session opened for user ", at)) {
                return sessionOpened(service, m, at + "session opened for user ".length());
            }
            if (m.startsWith("session closed for user ", at)) {
                String user = userName(m, at + "session closed for user ".length(), m.length());
                return new Found(SESSION_CLOSED, new Attributes().put("service", service).put("user", user).build());
            }
            if (m.startsWith("password changed for ", at)) {
                return new Found(ACCOUNT_CHANGE, new Attributes().put("action", "change_password")
                        .put("user", m.substring(at + "password changed for ".length()).strip())
                        .put("service", service).put("reported_by", module).build());
            }
            return null;
        }

        /** {@code logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root}: empty values are left out. */
        private static Found authenticationFailure(String module, String service, String m, int at) {
            Attributes attributes = new Attributes().put("service", service).put("reported_by", module);
            if (module.equals("pam_unix")) {
                attributes.put("method", "password"); // pam_unix's auth is the password check
            }
            int end = m.length();
            while (at < end) {
                int keyStart = Text.skipSpaces(m, at, end);
                int valueEnd = Text.indexOf(m, ' ', keyStart, end);
                int equals = m.indexOf('=', keyStart);
                at = valueEnd + 1;
                if (equals < 0 || equals >= valueEnd || equals + 1 == valueEnd) {
                    continue;
                }
                // logname, uid and euid describe the process asking, not the attempt: skipped
                int keyLength = equals - keyStart;
                if (keyLength == 4 && m.startsWith("user", keyStart)) {
                    attributes.put("user", m.substring(equals + 1, valueEnd));
                } else if (keyLength == 5 && m.startsWith("rhost", keyStart)) {
                    Address.putAddress(attributes, m.substring(equals + 1, valueEnd));
                } else if (keyLength == 5 && m.startsWith("ruser", keyStart)) {
                    attributes.put("by_user", m.substring(equals + 1, valueEnd));
                } else if (keyLength == 3 && m.startsWith("tty", keyStart)) {
                    attributes.put("tty", m.substring(equals + 1, valueEnd));
                }
            }
            return new Found(AUTH_FAILURE, attributes.build());
        }

        /**
         * {@code alice by (uid=0)}, {@code root by LOGIN(uid=0)}, {@code root(uid=0) by alice(uid=1000)}: newer
         * PAM adds the uid to both names.
         */
        private static Found sessionOpened(String service, String m, int at) {
            int end = m.length();
            int by = m.indexOf(" by ", at);
            int userEnd = by < 0 ? end : by;
            Attributes attributes = new Attributes().put("service", service)
                    .put("user", userName(m, at, userEnd)).put("uid", uid(m, at, userEnd));
            if (by >= 0) {
                int byStart = by + " by ".length();
                int byEnd = Text.trimEnd(m, byStart, end);
                String byUser = userName(m, byStart, byEnd);
                attributes.put("by_user", byUser.isEmpty() ? null : byUser).put("by_uid", uid(m, byStart, byEnd));
            }
            return new Found(SESSION_OPENED, attributes.build());
        }

        private static String userName(String m, int from, int to) {
            int uid = m.indexOf("(uid=", from);
            return m.substring(from, uid < 0 || uid > to ? Text.trimEnd(m, from, to) : uid);
        }

        private static String uid(String m, int from, int to) {
            int uid = m.indexOf("(uid=", from);
            if (uid < 0 || uid > to) {
                return null;
            }
            int start = uid + "(uid=".length();
            int end = Text.digitsEnd(m, start);
            return end > start ? m.substring(start, end) : null;
        }

        /** libpam's {@code PAM 5 more authentication failures; logname= ... rhost=... user=root}. */
        static Found moreFailures(String program, String m) {
            int countStart = "PAM ".length();
            int countEnd = Text.digitsEnd(m, countStart);
            if (countEnd == countStart || !m.startsWith(" more authentication failure", countEnd)) {
                return null;
            }
            int semicolon = m.indexOf(';', countEnd);
            Found details = semicolon < 0 ? null : authenticationFailure("pam", program, m, semicolon + 1);
            Attributes attributes = new Attributes().put("count", m.substring(countStart, countEnd))
                    .put("service", program).put("reported_by", "pam");
            if (details != null) {
                attributes.put("user", details.attributes().get("user"))
                        .put("source_ip", details.attributes().get("source_ip"))
                        .put("source_host", details.attributes().get("source_host"));
            }
            return new Found(AUTH_FAILURE_LIMIT, attributes.build());
        }
    }

    // ------------------------------------------------------------------------------------------------- sudo, su

    private static final class Privileges {

        /**
         * {@code alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id}; a refusal puts its
         * reason first ({@code alice : user NOT in sudoers ; TTY=...}). COMMAND comes last and may hold " ; ".
         */
        static Found sudo(String m) {
            int end = m.length();
            int userStart = Text.skipSpaces(m, 0, end);
            int separator = m.indexOf(" : ", userStart);
            if (separator < 0) {
                return null;
            }
            Attributes attributes = new Attributes().put("service", "sudo")
                    .put("user", m.substring(userStart, separator));
            String reason = null;
            boolean command = false;
            int at = separator + " : ".length();
            while (at < end) {
                if (m.startsWith("COMMAND=", at)) {
                    attributes.put("command", m.substring(at + "COMMAND=".length(), Text.trimEnd(m, at, end)));
                    command = true;
                    break;
                }
                int fieldEnd = m.indexOf(" ; ", at);
                int to = fieldEnd < 0 ? end : fieldEnd;
                int equals = m.indexOf('=', at);
                if (equals < 0 || equals > to) {
                    reason = reason == null ? m.substring(at, to) : reason;
                } else {
                    String value = m.substring(equals + 1, to);
                    switch (m.substring(at, equals)) {
                        case "TTY" -> attributes.put("tty", value);
                        case "PWD" -> attributes.put("pwd", value);
                        case "USER" -> attributes.put("target_user", value);
                        default -> {
                            // GROUP, ENV, TSID: not needed by any control yet
                        }
                    }
                }
                if (fieldEnd < 0) {
                    break;
                }
                at = fieldEnd + " ; ".length();
            }
            if (!command) {
                return null; // "unable to resolve host", "problem with defaults entries", ...
            }
            return new Found(PRIVILEGE_USE, attributes.put("success", Text.flag(reason == null))
                    .put("reason", reason).build());
        }

        /**
         * util-linux: {@code (to root) alice on pts/0}, {@code FAILED SU (to root) alice on pts/0};
         * shadow-utils: {@code Successful su for root by alice}, {@code FAILED su for root by alice}.
         */
        static Found su(String m) {
            if (m.startsWith("(to ")) {
                return switchedTo(m, 0, true);
            }
            if (m.startsWith("FAILED SU (to ")) {
                return switchedTo(m, "FAILED SU ".length(), false);
            }
            if (m.startsWith("Successful su for ")) {
                return suFor(m, "Successful su for ".length(), true);
            }
            if (m.startsWith("FAILED su for ")) {
                return suFor(m, "FAILED su for ".length(), false);
            }
            return null;
        }

        private static Found switchedTo(String m, int at, boolean success) {
            int targetStart = at + "(to ".length();
            int close = m.indexOf(") ", targetStart);
            int on = close < 0 ? -1 : m.lastIndexOf(" on ");
            if (close < 0 || on < close) {
                return null;
            }
            return new Found(PRIVILEGE_USE, new Attributes().put("service", "su")
                    .put("user", m.substring(close + 2, on)).put("target_user", m.substring(targetStart, close))
                    .put("tty", m.substring(on + " on ".length()).strip()).put("success", Text.flag(success))
                    .build());
        }

        private static Found suFor(String m, int at, boolean success) {
            int by = m.lastIndexOf(" by ");
            if (by < at) {
                return null;
            }
            return new Found(PRIVILEGE_USE, new Attributes().put("service", "su")
                    .put("user", m.substring(by + " by ".length()).strip()).put("target_user", m.substring(at, by))
                    .put("success", Text.flag(success)).build());
        }
    }

    // ------------------------------------------------------------------------------------------------- accounts

    /** shadow-utils' messages, in both of its quoting styles: {@code 'bob'} (4.2+) and {@code `bob'}. */
    private static final class Accounts {

        static Found shadow(String program, String m) {
            Attributes a = new Attributes().put("service", program);
            if (m.startsWith("new user: ")) {
                return change(a.put("action", "create_user").put("user", field(m, "name="))
                        .put("uid", field(m, "UID=")).put("gid", field(m, "GID="))
                        .put("home", field(m, "home=")).put("shell", field(m, "shell=")));
            }
            if (m.startsWith("new group: ")) {
                return change(a.put("action", "create_group").put("group", field(m, "name="))
                        .put("gid", field(m, "GID=")));
            }
            if (m.startsWith("delete user ")) {
                return change(a.put("action", "delete_user").put("user", quoted(m, 0)));
            }
            if (m.startsWith("add ") && m.contains(" to group ")) { // not "to shadow group": the same change again
                return change(a.put("action", "add_to_group").put("user", quoted(m, 0)).put("group", quoted(m, 1)));
            }
            if (m.startsWith("delete ") && m.contains(" from group ")) {
                return change(a.put("action", "remove_from_group").put("user", quoted(m, 0))
                        .put("group", quoted(m, 1)));
            }
            if (m.startsWith("removed group ")) { // userdel removing the user's own group
                return change(a.put("action", "delete_group").put("group", quoted(m, 0)).put("user", quoted(m, 1)));
            }
            if (m.startsWith("group ") && m.endsWith("' removed")) { // groupdel's last word on it
                return change(a.put("action", "delete_group").put("group", quoted(m, 0)));
            }
            if (m.startsWith("lock user ")) {
                return change(a.put("action", "lock_user").put("user", quoted(m, 0)));
            }
            if (m.startsWith("unlock user ")) {
                return change(a.put("action", "unlock_user").put("user", quoted(m, 0)));
            }
            if (m.startsWith("change user ") && m.endsWith(" password")) {
                return change(a.put("action", "change_password").put("user", quoted(m, 0)));
            }
            if (m.startsWith("change user ")) { // name, UID, GID, home, shell, expiration, inactive
                return change(a.put("action", "modify_user").put("user", quoted(m, 0)).put("detail", m));
            }
            if (m.startsWith("password for ") && m.contains(" changed by ")) {
                return change(a.put("action", "change_password").put("user", quoted(m, 0))
                        .put("by_user", quoted(m, 1)));
            }
            if (m.startsWith("changed password expiry for ")) {
                return change(a.put("action", "modify_user")
                        .put("user", m.substring("changed password expiry for ".length()).strip()).put("detail", m));
            }
            if (m.startsWith("user ") && m.contains(" added by ")) { // gpasswd -a: "user bob added by root to group x"
                return gpasswd(a, m, " added by ", " to group ", "add_to_group");
            }
            if (m.startsWith("user ") && m.contains(" removed by ")) {
                return gpasswd(a, m, " removed by ", " from group ", "remove_from_group");
            }
            return null;
        }

        private static Found gpasswd(Attributes a, String m, String byWord, String groupWord, String action) {
            int by = m.indexOf(byWord);
            int group = m.indexOf(groupWord, by);
            if (group < 0) {
                return null;
            }
            return change(a.put("action", action).put("user", m.substring("user ".length(), by))
                    .put("by_user", m.substring(by + byWord.length(), group))
                    .put("group", Text.firstWord(m, group + groupWord.length())));
        }

        private static Found change(Attributes attributes) {
            return new Found(ACCOUNT_CHANGE, attributes.build());
        }

        /** The value of {@code key} in {@code name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash}. */
        private static String field(String m, String key) {
            int start = m.indexOf(key);
            if (start < 0) {
                return null;
            }
            start += key.length();
            int end = m.indexOf(", ", start);
            return m.substring(start, end < 0 ? Text.trimEnd(m, start, m.length()) : end);
        }

        /** The n-th (0-based) name in quotes: {@code 'bob'} or {@code `bob'}. */
        private static String quoted(String m, int n) {
            int at = 0;
            for (int i = 0; ; i++) {
                int open = Text.indexOfQuote(m, at);
                int close = open < 0 ? -1 : m.indexOf('\'', open + 1);
                if (close < 0) {
                    return null;
                }
                if (i == n) {
                    return m.substring(open + 1, close);
                }
                at = close + 1;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- services

    private static final class Services {

        /**
         * {@code Started apt-daily.service - Daily apt download activities.} (systemd 249+ names the unit) or
         * {@code Started Daily apt download activities.} (older, description only: it becomes the unit).
         */
        static Found systemd(String m) {
            if (m.startsWith("Started ")) {
                return unitState(m, "Started ".length(), "started");
            }
            if (m.startsWith("Stopped ")) {
                return unitState(m, "Stopped ".length(), "stopped");
            }
            if (m.startsWith("Finished ")) {
                return unitState(m, "Finished ".length(), "finished");
            }
            if (m.startsWith("Failed to start ")) {
                return unitState(m, "Failed to start ".length(), "failed");
            }
            int failed = m.indexOf(": Failed with result '");
            if (failed > 0) {
                int resultStart = failed + ": Failed with result '".length();
                int resultEnd = m.indexOf('\'', resultStart);
                return new Found(SERVICE_STATE, new Attributes().put("unit", m.substring(0, failed))
                        .put("state", "failed")
                        .put("result", resultEnd < 0 ? null : m.substring(resultStart, resultEnd)).build());
            }
            return null;
        }

        private static Found unitState(String m, int start, String state) {
            int end = m.endsWith(".") ? m.length() - 1 : m.length();
            int dash = m.indexOf(" - ", start);
            Attributes attributes = new Attributes().put("state", state);
            if (dash > start && m.lastIndexOf(' ', dash - 1) < start) {
                attributes.put("unit", m.substring(start, dash)).put("description", m.substring(dash + 3, end));
            } else {
                attributes.put("unit", m.substring(start, end));
            }
            return new Found(SERVICE_STATE, attributes.build());
        }

        /** Red Hat's SysV init scripts: {@code cupsd startup succeeded}, {@code cupsd shutdown failed}. */
        static Found initScript(String m) {
            int end = Text.trimEnd(m, 0, m.length());
            int space = m.indexOf(' ');
            if (space <= 0) {
                return null;
            }
            String state;
            if (m.startsWith(" startup succeeded", space) && space + 18 == end) {
                state = "started";
            } else if (m.startsWith(" shutdown succeeded", space) && space + 19 == end) {
                state = "stopped";
            } else if ((m.startsWith(" startup failed", space) && space + 15 == end)
                    || (m.startsWith(" shutdown failed", space) && space + 16 == end)) {
                state = "failed";
            } else {
                return null;
            }
            return new Found(SERVICE_STATE, new Attributes().put("unit", m.substring(0, space)).put("state", state)
                    .build());
        }
    }

    // ------------------------------------------------------------------------------------------------- jobs

    private static final class Jobs {

        /** {@code (CRON) error (grandchild #2493 failed with exit status 1)}, {@code (root) ERROR (getpwnam() ...)}. */
        static Found cron(String m) {
            if (!m.startsWith("(")) {
                return null;
            }
            int close = m.indexOf(") ");
            if (close < 0 || !(m.startsWith("error", close + 2) || m.startsWith("ERROR", close + 2))) {
                return null;
            }
            String user = m.substring(1, close);
            return new Found(JOB_FAILURE, new Attributes().put("job", "cron")
                    .put("user", user.equals("CRON") || user.equals("*system*") ? null : user)
                    .put("detail", m.substring(close + 2).strip()).build());
        }

        /** {@code Job `cron.daily' terminated (exit status: 1) (mailing output)}, {@code ... due to signal 9}. */
        static Found anacron(String m) {
            if (!m.startsWith("Job ")) {
                return null;
            }
            int terminated = m.indexOf("' terminated ");
            if (terminated < 0) {
                return null;
            }
            int detail = terminated + "' terminated ".length();
            if (!m.startsWith("(exit status:", detail) && !m.startsWith("due to signal", detail)) {
                return null;
            }
            return new Found(JOB_FAILURE, new Attributes().put("job", m.substring("Job `".length(), terminated))
                    .put("detail", m.substring(detail).strip()).build());
        }

        /** logrotate's own {@code error: ...}, and its cron script's {@code ALERT exited abnormally with [1]}. */
        static Found logrotate(String m) {
            String detail;
            if (m.startsWith("error: ")) {
                detail = m.substring("error: ".length());
            } else if (m.startsWith("ALERT ")) {
                detail = m.substring("ALERT ".length());
            } else {
                return null;
            }
            return new Found(JOB_FAILURE, new Attributes().put("job", "logrotate").put("detail", detail.strip())
                    .build());
        }
    }

    // ------------------------------------------------------------------------------------------------- ftp, login

    private static final class RemoteAccess {

        /** wu-ftpd: {@code connection from 1.2.3.4 (host.example)}, {@code ANONYMOUS FTP LOGIN FROM 1.2.3.4, pass}. */
        static Found ftpd(String program, String m) {
            if (m.startsWith("connection from ")) {
                int start = "connection from ".length();
                int end = Text.indexOf(m, ' ', start, m.length());
                Attributes attributes = new Attributes().put("service", program);
                Address.putAddress(attributes, m.substring(start, end));
                int open = m.indexOf('(', end);
                int close = open < 0 ? -1 : m.indexOf(')', open);
                if (close > open + 1) {
                    attributes.put("hostname", m.substring(open + 1, close));
                }
                return new Found(CONNECTION_OPENED, attributes.build());
            }
            if (m.startsWith("ANONYMOUS FTP LOGIN FROM ")) {
                return ftpLogin(AUTH_SUCCESS, program, m, "ANONYMOUS FTP LOGIN FROM ".length(), "anonymous");
            }
            if (m.startsWith("FTP LOGIN FROM ")) {
                int comma = m.lastIndexOf(", ");
                return comma < 0 ? null : ftpLogin(AUTH_SUCCESS, program, m, "FTP LOGIN FROM ".length(),
                        m.substring(comma + 2).strip());
            }
            if (m.startsWith("failed login from ")) {
                return ftpLogin(AUTH_FAILURE, program, m, "failed login from ".length(), null);
            }
            return null;
        }

        /** The remote host is {@code 1.2.3.4} or {@code host.example [1.2.3.4]}, ended by a comma or the line. */
        private static Found ftpLogin(EventKind kind, String program, String m, int start, String user) {
            int comma = m.indexOf(',', start);
            int end = comma < 0 ? Text.trimEnd(m, start, m.length()) : comma;
            int bracket = m.indexOf(" [", start);
            Attributes attributes = new Attributes().put("service", program).put("user", user);
            if (bracket > 0 && bracket < end && m.charAt(end - 1) == ']') {
                attributes.put("hostname", m.substring(start, bracket))
                        .put("source_ip", m.substring(bracket + 2, end - 1));
            } else {
                Address.putAddress(attributes, m.substring(start, end));
            }
            if (kind == AUTH_SUCCESS) {
                attributes.put("method", user != null && user.equals("anonymous") ? "anonymous" : "password");
            } else {
                attributes.put("reported_by", program);
            }
            return new Found(kind, attributes.build());
        }

        /** {@code Authentication failed from 1.2.3.4 (1.2.3.4): Permission denied in replay cache code}. */
        static Found kerberosLogin(String program, String m) {
            if (!m.startsWith("Authentication failed from ")) {
                return null;
            }
            int start = "Authentication failed from ".length();
            int end = Text.indexOf(m, ' ', start, m.length());
            int colon = m.indexOf(": ", end);
            Attributes attributes = new Attributes().put("service", program).put("reported_by", program);
            Address.putAddress(attributes, m.substring(start, end));
            if (colon > 0) {
                attributes.put("reason", m.substring(colon + 2).strip());
            }
            return new Found(AUTH_FAILURE, attributes.build());
        }

        /**
         * login(1): {@code ROOT LOGIN ON tty2}, {@code LOGIN ON tty1 BY alice},
         * {@code FAILED LOGIN 1 FROM tty1 FOR root, Authentication failure}.
         */
        static Found login(String m) {
            String end = Text.trimmed(m);
            if (end.startsWith("ROOT LOGIN ON ")) {
                return localLogin("root", end, "ROOT LOGIN ON ".length(), end.length());
            }
            if (end.startsWith("LOGIN ON ")) {
                int by = end.indexOf(" BY ");
                if (by < 0) {
                    return null;
                }
                int from = end.indexOf(" FROM ", by);
                String user = end.substring(by + " BY ".length(), from < 0 ? end.length() : from);
                return localLogin(user, end, "LOGIN ON ".length(), by);
            }
            if (end.startsWith("FAILED LOGIN ")) {
                int forAt = end.indexOf(" FOR ");
                if (forAt < 0) {
                    return null;
                }
                int comma = end.indexOf(", ", forAt);
                return new Found(AUTH_FAILURE, new Attributes().put("service", "login").put("reported_by", "login")
                        .put("user", end.substring(forAt + " FOR ".length(), comma < 0 ? end.length() : comma))
                        .put("reason", comma < 0 ? null : end.substring(comma + 2)).build());
            }
            return null;
        }

        private static Found localLogin(String user, String m, int ttyStart, int end) {
            int from = m.indexOf(" FROM ", ttyStart);
            int ttyEnd = from < 0 || from > end ? end : from;
            Attributes attributes = new Attributes().put("service", "login").put("user", user)
                    .put("tty", m.substring(ttyStart, ttyEnd));
            if (from >= 0) {
                Address.putAddress(attributes, Text.firstWord(m, from + " FROM ".length()));
            }
            return new Found(AUTH_SUCCESS, attributes.build());
        }
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** Where a line names the remote side: an address literal is a source_ip, anything else a source_host. */
    private static final class Address {

        /** {@code ADDR[ port N]} between {@code from} and {@code end}. */
        static void put(Attributes attributes, String m, int from, int end) {
            int addressEnd = Text.indexOf(m, ' ', from, end);
            putAddress(attributes, m.substring(from, addressEnd));
            if (m.startsWith(" port ", addressEnd)) {
                int portStart = addressEnd + " port ".length();
                int portEnd = Text.digitsEnd(m, portStart);
                attributes.put("port", portEnd > portStart ? m.substring(portStart, portEnd) : null);
            }
        }

        static Attributes putAddress(Attributes attributes, String address) {
            if (address.isEmpty()) {
                return attributes;
            }
            return attributes.put(isLiteral(address) ? "source_ip" : "source_host", address);
        }

        /** IPv4 (digits and dots) or IPv6 (hex digits and colons, perhaps an embedded IPv4 or a %zone). */
        static boolean isLiteral(String s) {
            boolean colon = false;
            boolean letter = false;
            int zone = s.indexOf('%');
            int end = zone < 0 ? s.length() : zone;
            for (int i = 0; i < end; i++) {
                char c = s.charAt(i);
                if (c == ':') {
                    colon = true;
                } else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
                    letter = true;
                } else if (c != '.' && (c < '0' || c > '9')) {
                    return false;
                }
            }
            return end > 0 && (colon || (!letter && zone < 0));
        }
    }

    /**
     * Attributes in the order they are found; absent (null) values are left out. Keys are always string
     * literals, so the same key is the same object.
     */
    private static final class Attributes {

        private String[] keysAndValues = new String[2 * 10];
        private int size;

        Attributes put(String key, String value) {
            if (value == null) {
                return this;
            }
            for (int i = 0; i < size; i += 2) {
                if (keysAndValues[i] == key) {
                    keysAndValues[i + 1] = value;
                    return this;
                }
            }
            if (size == keysAndValues.length) {
                keysAndValues = Arrays.copyOf(keysAndValues, size * 2);
            }
            keysAndValues[size++] = key;
            keysAndValues[size++] = value;
            return this;
        }

        /**
         * An immutable map, which {@link LogEvent} keeps without copying it. Building it was the classifier's
         * largest cost: the fixed-arity {@code Map.of} spares an entry object per attribute.
         */
        @SuppressWarnings("unchecked")
        Map<String, String> build() {
            String[] a = keysAndValues;
            return switch (size / 2) {
                case 0 -> Map.of();
                case 1 -> Map.of(a[0], a[1]);
                case 2 -> Map.of(a[0], a[1], a[2], a[3]);
                case 3 -> Map.of(a[0], a[1], a[2], a[3], a[4], a[5]);
                case 4 -> Map.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
                case 5 -> Map.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
                case 6 -> Map.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
                case 7 -> Map.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11],
                        a[12], a[13]);
                case 8 -> Map.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11],
                        a[12], a[13], a[14], a[15]);
                default -> {
                    Map.Entry<String, String>[] entries = new Map.Entry[size / 2];
                    for (int i = 0; i < entries.length; i++) {
                        entries[i] = Map.entry(a[2 * i], a[2 * i + 1]);
                    }
                    yield Map.ofEntries(entries);
                }
            };
        }
    }

    /** Scanning primitives: the classifier's alternative to regular expressions. */
    private static final class Text {

        static int indexOf(String s, char c, int from, int end) {
            int i = s.indexOf(c, from);
            return i < 0 || i > end ? end : i;
        }

        static int digitsEnd(String s, int from) {
            int i = from;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            return i;
        }

        static long parseCount(String s, int from, int to) {
            long n = 0;
            for (int i = from; i < to && n <= Integer.MAX_VALUE; i++) {
                n = n * 10 + (s.charAt(i) - '0');
            }
            return n;
        }

        static int skipSpaces(String s, int from, int end) {
            while (from < end && s.charAt(from) == ' ') {
                from++;
            }
            return from;
        }

        static int trimEnd(String s, int from, int end) {
            while (end > from && s.charAt(end - 1) == ' ') {
                end--;
            }
            return end;
        }

        static String trimmed(String s) {
            return s.substring(0, trimEnd(s, 0, s.length()));
        }

        /** {@code s[from, to)} without the one space that separated it from what came before. */
        static String after(String s, int from, int to) {
            if (from >= to) {
                return "";
            }
            return s.substring(s.charAt(from) == ' ' ? from + 1 : from, to);
        }

        static String firstWord(String s, int from) {
            return s.substring(from, indexOf(s, ' ', from, s.length()));
        }

        static int indexOfQuote(String s, int from) {
            for (int i = from; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\'' || c == '`') {
                    return i;
                }
            }
            return -1;
        }

        static String flag(boolean value) {
            return value ? "true" : "false";
        }
    }
}
