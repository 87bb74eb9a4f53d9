package io.annexa.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.annexa.evidence.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLinesTest {

    @TempDir
    Path dir;

    @Test
    void asciiAndUtf8LinesReadAsTheyAreWrittenWithCarriageReturnsKept() throws Exception {
        Path file = write(bytes("\uFEFFPermitRootLogin no\r\n# Zugang f\u00fcr M\u00fcller\nBanner /etc/issue\n\nLast"));
        assertThat(ConfigLines.read(file, "an sshd_config"))
                .containsExactly("PermitRootLogin no\r", "# Zugang f\u00fcr M\u00fcller", "Banner /etc/issue", "", "Last");
    }

    @Test
    void invalidUtf8IsRefusedAtItsLineAfterValidNonAsciiLines() throws Exception {
        byte[] good = bytes("a\n\u00e9t\u00e9\nb\n");
        byte[] bad = {'x', (byte) 0xC3, '(', '\n'};
        byte[] all = new byte[good.length + bad.length];
        System.arraycopy(good, 0, all, 0, good.length);
        System.arraycopy(bad, 0, all, good.length, bad.length);
        InvalidInputException e = catchThrowableOfType(() -> ConfigLines.read(write(all), "a login.defs"),
                InvalidInputException.class);
        assertThat(e.getLine()).isEqualTo(4);
        assertThat(e.getReason()).isEqualTo("invalid UTF-8");
        assertThat(e.getFile()).endsWith("config");
    }

    @Test
    void aNulByteIsRefusedAtItsLine() throws Exception {
        InvalidInputException e = catchThrowableOfType(() -> ConfigLines.read(write(bytes("a\nb\u0000\n")), "a sudoers"),
                InvalidInputException.class);
        assertThat(e.getLine()).isEqualTo(2);
        assertThat(e.getReason()).contains("NUL byte");
    }

    private Path write(byte[] content) throws Exception {
        return Files.write(dir.resolve("config"), content);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
