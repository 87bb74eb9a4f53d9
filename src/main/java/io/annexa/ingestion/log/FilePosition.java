package io.annexa.ingestion.log;

/**
 * How far a followed file has been read: {@code offset} is the byte after the last complete line handed
 * over and {@code line} that line's number.
 *
 * <p>Two things name the file itself, so the position of one file is never applied to another at the same
 * path: {@code fileKey} (device and inode on Linux) and {@code head}, a checksum of its first
 * {@link #HEAD_BYTES} bytes read so far. The head catches what the key cannot: a file deleted and created
 * again often gets the same inode back, and a file truncated and rewritten keeps it.
 */
public record FilePosition(String fileKey, long offset, long line, String head) {

    public static final int HEAD_BYTES = 1024;

    public static FilePosition start(String fileKey) {
        return new FilePosition(fileKey, 0, 0, "");
    }

    /** How many bytes from the file's start {@code head} covers. */
    public int headLength() {
        return (int) Math.min(offset, HEAD_BYTES);
    }
}
