package io.annexa.ingestion.ssh;

import java.io.IOException;
import java.util.List;

/** A host's file system as a collection sees it: read-only, absolute paths, symbolic links followed. */
interface RemoteFiles {

    /** DENIED: the path exists (or may) but cannot be read by the collecting user: forbidden, a link loop. */
    enum Type { FILE, DIRECTORY, OTHER, ABSENT, DENIED }

    /** One name in a folder, with what it is once links are followed. */
    record Entry(String name, Type type) {
    }

    Type type(String path) throws IOException;

    /** The names in a folder, without {@code .} and {@code ..}. */
    List<Entry> list(String path) throws IOException;

    /**
     * The content of a regular file.
     *
     * @throws TooLarge when it holds more than {@code maxBytes}
     */
    byte[] read(String path, long maxBytes) throws IOException;

    /** The collecting user may not read or list this path. */
    final class Denied extends IOException {
        Denied(String path) {
            super(path + ": permission denied");
        }
    }

    /** A file larger than a collection takes. */
    final class TooLarge extends IOException {
        TooLarge(String path, long maxBytes) {
            super(path + " is larger than " + maxBytes + " bytes");
        }
    }
}
