package io.annexa.evidence;

/**
 * An asset name {@link AssetNames} refuses. The message names the field the value came from and shows the value,
 * cut short and with control characters escaped, because it goes into logs and dead-letter reasons.
 */
public final class InvalidAssetNameException extends IllegalArgumentException {

    private final String field;

    public InvalidAssetNameException(String field, String value, String problem) {
        super(field + " '" + AssetNames.shown(value) + "' is not a valid asset name: it " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
