package io.annexa.ingestion.ssh;

/** A collection did not produce a snapshot; the message says why, for people (it becomes the gap's evidence). */
public final class CollectionException extends Exception {

    public CollectionException(String message) {
        super(message);
    }

    public CollectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
