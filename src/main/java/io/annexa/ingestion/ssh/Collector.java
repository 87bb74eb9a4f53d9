package io.annexa.ingestion.ssh;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a collection may do on a host: read files over SFTP, or run one of a fixed list of read-only commands. The
 * command lines are written here and nowhere else: the inventory names a collector, never a command, so nothing that
 * edits {@code config/hosts.yml} can make Annexa run anything else on a host.
 */
public enum Collector {

    /** The configuration files behind every kind Annexa parses, with their includes, over SFTP. */
    FILES("files", null),
    /** The effective sshd configuration (defaults, Include and Match applied), as sshd itself computes it. */
    SSHD_T("sshd-T", "/usr/sbin/sshd -T"),
    /** The audit rules loaded in the kernel now, beside the files they were meant to be loaded from. */
    AUDITCTL_L("auditctl-l", "/sbin/auditctl -l");

    private final String id;
    private final String command;

    Collector(String id, String command) {
        this.id = id;
        this.command = command;
    }

    /** The name in {@code hosts.yml}, and the file name of a command's output under {@code .annexa/commands/}. */
    public String id() {
        return id;
    }

    /** The command line run on the host; empty for {@link #FILES}. */
    public Optional<String> command() {
        return Optional.ofNullable(command);
    }

    public static Optional<Collector> byId(String id) {
        return Arrays.stream(values()).filter(c -> c.id.equals(id)).findFirst();
    }
}
