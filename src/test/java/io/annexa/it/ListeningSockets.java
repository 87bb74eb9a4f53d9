package io.annexa.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a process and its children listen on, read from /proc (Linux) as an auditor's {@code ss -tulpn} would show it:
 * {@code tcp 127.0.0.1:8080} for a TCP socket in LISTEN, {@code udp 127.0.0.1:5514} for a bound UDP socket that is not
 * connected to one peer (one that receives from anyone).
 */
final class ListeningSockets {

    private static final Pattern SOCKET = Pattern.compile("socket:\\[(\\d+)]");
    /** /proc/net/tcp's st column: 0A is LISTEN. For UDP, 07 (TCP_CLOSE's number) is a socket without a peer. */
    private static final String TCP_LISTEN = "0A";
    private static final String UDP_UNCONNECTED = "07";

    private ListeningSockets() {
    }

    /** The sockets of {@code process} and all its descendants. */
    static Set<String> of(Process process) {
        Set<String> listening = new TreeSet<>();
        Stream.concat(Stream.of(process.toHandle()), process.descendants()).forEach(p -> listening.addAll(of(p.pid())));
        return listening;
    }

    static Set<String> of(long pid) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Matcher m = SOCKET.matcher(Files.readSymbolicLink(fd).toString());
                    if (m.matches()) {
                        inodes.add(m.group(1));
                    }
                } catch (IOException gone) {
                    // the descriptor closed while listing
                }
            }
        } catch (IOException e) {
            return Set.of(); // the process ended
        }
        Set<String> result = new TreeSet<>();
        for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
            boolean udp = table.startsWith("udp");
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length <= 9 || !inodes.contains(f[9])) {
                        continue;
                    }
                    if (udp ? f[3].equals(UDP_UNCONNECTED) && f[2].matches("[0:]+") : f[3].equals(TCP_LISTEN)) {
                        result.add((udp ? "udp " : "tcp ") + address(f[1]));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read /proc/" + pid + "/net/" + table, e);
            }
        }
        return result;
    }

    /** /proc/net/tcp's hex "0100007F:1F90" (or the IPv6 form, v4-mapped or not) as "127.0.0.1:8080". */
    static String address(String hex) {
        String[] parts = hex.split(":");
        String ip = parts[0];
        int port = Integer.parseInt(parts[1], 16);
        if (ip.length() == 32 && ip.startsWith("0000000000000000FFFF0000")) {
            ip = ip.substring(24);
        }
        if (ip.length() == 8) {
            return Integer.parseInt(ip.substring(6, 8), 16) + "." + Integer.parseInt(ip.substring(4, 6), 16) + "."
                    + Integer.parseInt(ip.substring(2, 4), 16) + "." + Integer.parseInt(ip.substring(0, 2), 16) + ":" + port;
        }
        return "[" + ip + "]:" + port;
    }
}
