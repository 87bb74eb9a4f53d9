package io.annexa.ingestion;

import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A configuration file as lines of text, split at LF only: a CR stays in the line, because some programs
 * (auditd, auditctl) misread it and their parsers must be able to say so. Anything that is not text (a NUL
 * byte, invalid UTF-8, an endless line) is refused at the line an editor shows it on.
 */
public final class ConfigLines {

    /** Far beyond any real configuration file; keeps a file dropped by mistake (a disk image, a log) out of memory. */
    public static final long MAX_FILE_BYTES = 16L * 1024 * 1024;
    public static final int MAX_LINE_BYTES = 64 * 1024;

    private ConfigLines() {
    }

    /**
     * @param kind what the file should be, for the message when it is far too large ({@code "a chrony.conf"})
     * @return the lines without their LF; a leading byte order mark is skipped
     */
    public static List<String> read(Path path, String kind) throws InvalidInputException, IOException {
        String file = path.toString();
        if (Files.isDirectory(path)) {
            // an include naming a directory: without this, the read fails with an IOException that names no file
            throw new InvalidInputException(file, 0, "a directory, not " + kind);
        }
        if (Files.size(path) > MAX_FILE_BYTES) {
            throw new InvalidInputException(file, 0, "larger than " + MAX_FILE_BYTES + " bytes, not " + kind);
        }
        byte[] bytes = Files.readAllBytes(path);
        boolean bom = bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF;
        List<String> lines = new ArrayList<>();
        CharsetDecoder utf8 = null;
        for (int start = bom ? 3 : 0; start < bytes.length; ) {
            int end = start;
            boolean ascii = true;
            while (end < bytes.length && bytes[end] != '\n') {
                if (bytes[end] == 0) {
                    throw new InvalidInputException(file, lines.size() + 1, "NUL byte: binary content, not text");
                }
                ascii &= bytes[end] > 0;
                end++;
            }
            if (end - start > MAX_LINE_BYTES) {
                throw new InvalidInputException(file, lines.size() + 1, "line longer than " + MAX_LINE_BYTES + " bytes");
            }
            if (ascii) {
                // nearly every line of a configuration file: no decoder, no intermediate buffers (a fleet reads 30,000 files)
                lines.add(new String(bytes, start, end - start, StandardCharsets.ISO_8859_1));
            } else {
                try {
                    utf8 = utf8 == null ? StandardCharsets.UTF_8.newDecoder() : utf8.reset();
                    lines.add(utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString());
                } catch (CharacterCodingException e) {
                    throw new InvalidInputException(file, lines.size() + 1, "invalid UTF-8");
                }
            }
            start = end + 1;
        }
        return lines;
    }
}
