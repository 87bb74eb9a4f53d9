package io.annexa.evidence;

import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Paths;
import java.util.regex.PatternSyntaxException;

/**
 * Whether a file path matches a glob such as {@code /var/log/*.log}, the way logrotate and rsyslog expand them.
 * Rule code may not reach {@code java.nio.file} (the rule sandbox), so rules call this instead; it only compares
 * names and never touches the file system.
 */
public final class PathGlob {

    private PathGlob() {
    }

    /** False for a glob the matcher does not understand: a plain comparison of names then decides. */
    public static boolean matches(String glob, String path) {
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Paths.get(path));
        } catch (PatternSyntaxException | InvalidPathException | UnsupportedOperationException e) {
            return false;
        }
    }
}
