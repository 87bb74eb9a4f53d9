package io.annexa.cluster;

import java.io.ByteArrayOutputStream;

/** A byte buffer that stops growing at its limit, so that encoding a huge read fails early instead of filling the heap. */
final class LimitedBuffer extends ByteArrayOutputStream {

    /** Thrown by a write that would take the buffer past its limit. */
    static final class Full extends RuntimeException {
        Full() {
            super(null, null, false, false);
        }
    }

    private final int limit;

    LimitedBuffer(int limit) {
        super(Math.min(limit, 1024));
        this.limit = limit;
    }

    @Override
    public synchronized void write(int b) {
        room(1);
        super.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        room(len);
        super.write(b, off, len);
    }

    private void room(int len) {
        if ((long) count + len > limit) {
            throw new Full();
        }
    }
}
