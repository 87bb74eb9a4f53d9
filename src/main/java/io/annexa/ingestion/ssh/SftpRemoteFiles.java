package io.annexa.ingestion.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/** {@link RemoteFiles} over one SFTP session: only stat, open-for-reading, read and readdir requests are ever sent. */
final class SftpRemoteFiles implements RemoteFiles {

    private final SftpClient sftp;

    SftpRemoteFiles(SftpClient sftp) {
        this.sftp = sftp;
    }

    @Override
    public Type type(String path) throws IOException {
        try {
            return typeOf(sftp.stat(path));
        } catch (SftpException e) {
            return missing(e);
        }
    }

    @Override
    public List<Entry> list(String path) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try {
            return listed(path, entries);
        } catch (SftpException e) {
            throw denied(path, e);
        }
    }

    private List<Entry> listed(String path, List<Entry> entries) throws IOException {
        for (SftpClient.DirEntry entry : sftp.readDir(path)) {
            String name = entry.getFilename();
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            Type type = typeOf(entry.getAttributes());
            if (entry.getAttributes().isSymbolicLink()) {
                // a listing describes the link itself; what a program reading the name gets is its target
                type = type((path.endsWith("/") ? path : path + "/") + name);
            }
            entries.add(new Entry(name, type));
        }
        return entries;
    }

    @Override
    public byte[] read(String path, long maxBytes) throws IOException {
        try (InputStream in = sftp.read(path)) {
            byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (content.length > maxBytes) {
                throw new TooLarge(path, maxBytes);
            }
            return content;
        } catch (SftpException e) {
            throw denied(path, e);
        }
    }

    private static IOException denied(String path, SftpException e) {
        return e.getStatus() == SftpConstants.SSH_FX_PERMISSION_DENIED ? new Denied(path) : e;
    }

    private static Type typeOf(SftpClient.Attributes attributes) {
        if (attributes.isRegularFile()) {
            return Type.FILE;
        }
        return attributes.isDirectory() ? Type.DIRECTORY : Type.OTHER;
    }

    private static Type missing(SftpException e) {
        return switch (e.getStatus()) {
            case SftpConstants.SSH_FX_NO_SUCH_FILE, SftpConstants.SSH_FX_NO_SUCH_PATH -> Type.ABSENT;
            // a link loop or a name the server cannot stat is as unreadable as a forbidden one: noted, the rest goes on
            default -> Type.DENIED;
        };
    }
}
