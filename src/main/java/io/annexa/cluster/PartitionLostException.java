package io.annexa.cluster;

/** The partition's lease was taken over by another instance: this one must stop evaluating it and write nothing. */
public final class PartitionLostException extends RuntimeException {

    public PartitionLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
