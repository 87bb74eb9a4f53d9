package io.annexa.evidence;

import java.util.Objects;

/**
 * Something Annexa observes: a host, a service, an account directory. Every other fact names its
 * asset by {@link #name()}, normalised by {@link AssetNames} so that a log rule and a config rule
 * about the same host meet.
 */
public final class Asset {

    private final String name;

    public Asset(String name) {
        this.name = AssetNames.normalize(name);
    }

    public String getName() {
        return name;
    }

    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Asset other && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "Asset[" + name + "]";
    }

    static <T> T require(T value, String field) {
        return Objects.requireNonNull(value, field + " is required");
    }
}
