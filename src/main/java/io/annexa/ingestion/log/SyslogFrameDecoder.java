package io.annexa.ingestion.log;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a syslog TCP stream into messages. RFC 6587 allows two framings and senders do not announce theirs
 * (some switch between reconnects), so each message is looked at on its own: {@code 123 <...} — a length,
 * a space and a priority — is octet-counted; anything else ends at a newline.
 *
 * <p>Emits one {@code List<SyslogFrame>} per network read rather than one object per message: the route
 * then handles thousands of messages per exchange instead of one, which is what makes tens of thousands of
 * messages a second affordable. A message longer than the limit is cut, its start passed on as
 * {@linkplain SyslogFrame#cut cut} (to be dead-lettered) and the rest skipped, so one runaway sender cannot
 * make the receiver buffer without bound. One instance per connection (see {@link SyslogFrameDecoderFactory}).
 */
final class SyslogFrameDecoder extends ByteToMessageDecoder {

    /** How much of a too-long message is kept to show in its dead letter. */
    static final int CUT_BYTES = 1024;
    // "2147483647" has ten digits; a longer count is no count.
    private static final int MAX_LENGTH_DIGITS = 10;
    private static final int NEED_MORE = -2;
    private static final int NOT_COUNTED = -1;

    private final int maxBytes;
    private long skipBytes;
    private boolean skipToNewline;

    SyslogFrameDecoder(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        List<SyslogFrame> frames = new ArrayList<>();
        while (skipDone(in) && in.isReadable()) {
            if (!next(in, frames)) {
                break;
            }
        }
        if (!frames.isEmpty()) {
            out.add(frames);
        }
    }

    /** A sender that closes after its last message need not end it with a newline. */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (skipDone(in) && in.isReadable()) {
            String rest = text(in, in.readerIndex(), in.readableBytes());
            in.skipBytes(in.readableBytes());
            if (!rest.isEmpty()) {
                out.add(List.of(SyslogFrame.message(rest)));
            }
        }
    }

    /** Skips what is left of a message that was cut; false while there is more of it to come. */
    private boolean skipDone(ByteBuf in) {
        if (skipBytes > 0) {
            int skipped = (int) Math.min(skipBytes, in.readableBytes());
            in.skipBytes(skipped);
            skipBytes -= skipped;
            return skipBytes == 0;
        }
        if (skipToNewline) {
            int newline = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (newline < 0) {
                in.skipBytes(in.readableBytes());
                return false;
            }
            in.readerIndex(newline + 1);
            skipToNewline = false;
        }
        return true;
    }

    /** Reads one message into {@code frames}; false when it is not complete yet. */
    private boolean next(ByteBuf in, List<SyslogFrame> frames) {
        int start = in.readerIndex();
        int space = countEnd(in, start);
        if (space == NEED_MORE) {
            return false;
        }
        if (space == NOT_COUNTED) {
            return nextLine(in, frames, start);
        }
        long length = Long.parseLong(in.toString(start, space - start, StandardCharsets.US_ASCII));
        int messageStart = space + 1;
        int available = in.writerIndex() - messageStart;
        if (length > maxBytes) {
            int kept = Math.min(available, CUT_BYTES);
            frames.add(SyslogFrame.cut(text(in, messageStart, kept)));
            in.readerIndex(messageStart + kept);
            skipBytes = length - kept;
            return true;
        }
        if (available < length) {
            return false;
        }
        String message = text(in, messageStart, (int) length);
        in.readerIndex(messageStart + (int) length);
        if (!message.isEmpty()) {
            frames.add(SyslogFrame.message(message));
        }
        return true;
    }

    private boolean nextLine(ByteBuf in, List<SyslogFrame> frames, int start) {
        int newline = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (newline < 0) {
            if (in.readableBytes() <= maxBytes) {
                return false;
            }
            frames.add(SyslogFrame.cut(text(in, start, Math.min(CUT_BYTES, in.readableBytes()))));
            in.skipBytes(in.readableBytes());
            skipToNewline = true;
            return true;
        }
        int length = newline - start;
        String message = length > maxBytes ? null : text(in, start, length);
        if (message == null) {
            frames.add(SyslogFrame.cut(text(in, start, Math.min(CUT_BYTES, length))));
        } else if (!message.isEmpty()) {
            frames.add(SyslogFrame.message(message));
        }
        in.readerIndex(newline + 1);
        return true;
    }

    /**
     * Where the space after an octet count is, when the message at {@code start} is octet-counted: digits
     * (the first not 0), a space and the {@code <} of a priority. Requiring the priority keeps a garbage line
     * that happens to start with a number from swallowing the messages after it.
     */
    private static int countEnd(ByteBuf in, int start) {
        int end = in.writerIndex();
        byte first = in.getByte(start);
        if (first < '1' || first > '9') {
            return NOT_COUNTED;
        }
        int i = start + 1;
        while (i < end && i - start <= MAX_LENGTH_DIGITS && isDigit(in.getByte(i))) {
            i++;
        }
        if (i - start > MAX_LENGTH_DIGITS) {
            return NOT_COUNTED;
        }
        if (i + 1 >= end) {
            return NEED_MORE;
        }
        return in.getByte(i) == ' ' && in.getByte(i + 1) == '<' ? i : NOT_COUNTED;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** UTF-8 text without the line-end characters senders add (CR before LF, a trailing NUL or LF). */
    private static String text(ByteBuf in, int from, int length) {
        int end = from + length;
        while (end > from) {
            byte last = in.getByte(end - 1);
            if (last != '\r' && last != '\n' && last != 0) {
                break;
            }
            end--;
        }
        return in.toString(from, end - from, StandardCharsets.UTF_8);
    }
}
