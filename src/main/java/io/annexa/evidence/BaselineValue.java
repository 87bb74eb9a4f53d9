package io.annexa.evidence;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One setting of the declared configuration baseline ({@code config/baseline.yml}): configuration files of
 * kind {@code source} on the assets it applies to must set {@code key} to {@code expected}. Rules compare
 * it with the {@link ConfigEntry} facts the configuration sources produce.
 *
 * <p>Keys compare case-insensitively (sshd spells keywords in any case, login.defs in upper case); values
 * compare ignoring case and runs of whitespace, so {@code "no"} matches {@code No} and
 * {@code "yescrypt  rounds=5"} matches {@code yescrypt rounds=5}. {@code assets} and {@code file} are globs
 * ({@code *} any characters, {@code ?} one); an empty list or pattern means every asset or every file.
 */
public final class BaselineValue {

    private final String source;
    private final String key;
    private final String expected;
    private final List<String> assets;
    private final String file;
    private final String declaredAt;
    private final List<Pattern> assetPatterns;
    private final Pattern filePattern;
    private final String normalizedExpected;

    /**
     * @param assets     asset name globs; empty: every asset
     * @param file       file path glob; empty: any file of that kind
     * @param declaredAt where the setting is declared, {@code config/baseline.yml:14}
     */
    public BaselineValue(String source, String key, String expected, List<String> assets, String file, String declaredAt) {
        this.source = Asset.require(source, "source");
        this.key = Asset.require(key, "key");
        this.expected = Objects.requireNonNull(expected, "expected");
        this.assets = List.copyOf(assets);
        this.file = file == null ? "" : file;
        this.declaredAt = Asset.require(declaredAt, "declaredAt");
        this.assetPatterns = this.assets.stream().map(glob -> glob(glob.toLowerCase(Locale.ROOT))).toList();
        this.filePattern = this.file.isEmpty() ? null : glob(this.file);
        this.normalizedExpected = normalize(expected);
    }

    public String getSource() {
        return source;
    }

    public String getKey() {
        return key;
    }

    public String getExpected() {
        return expected;
    }

    public List<String> getAssets() {
        return assets;
    }

    public String getFile() {
        return file;
    }

    public String getDeclaredAt() {
        return declaredAt;
    }

    /** Whether the setting is part of this asset's baseline. */
    public boolean appliesTo(String asset) {
        return assetPatterns.isEmpty() || assetPatterns.stream().anyMatch(p -> p.matcher(asset).matches());
    }

    /** Whether a file of this kind is one the setting is declared for. */
    public boolean coversFile(String path) {
        return filePattern == null || filePattern.matcher(path).matches();
    }

    public boolean isKey(String candidate) {
        return key.equalsIgnoreCase(candidate);
    }

    /** Whether a configured value is the declared one. */
    public boolean matches(String value) {
        return normalizedExpected.equals(normalize(value));
    }

    /** {@code PermitRootLogin no (config/baseline.yml:14)}: what an auditor compares the file with. */
    public String describe() {
        return key + " " + expected + " (" + declaredAt + ")";
    }

    private static String normalize(String value) {
        return value.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BaselineValue other && source.equals(other.source) && key.equals(other.key)
                && expected.equals(other.expected) && assets.equals(other.assets) && file.equals(other.file)
                && declaredAt.equals(other.declaredAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, key, expected, assets, file, declaredAt);
    }

    @Override
    public String toString() {
        return "BaselineValue[" + source + " " + describe() + "]";
    }
}
