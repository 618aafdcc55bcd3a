package io.streambus.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts one direction of a RESP connection into whole frames as bytes arrive: requests (arrays of bulk strings, or an
 * inline line) on the client's side, replies (any RESP2 or RESP3 value) on the server's. Bytes wait here until their
 * frame is complete. Not thread-safe: one per direction of a connection, used by the thread that reads it.
 */
final class RespFrames {

    /** A whole request: its bytes as the client sent them, its argument count and its first arguments. */
    record Request(byte[] raw, int argc, List<String> head) {
        /** The i-th argument upper-cased, or "" when there are fewer (only the first {@value #HEAD} are kept). */
        String upper(int i) {
            return i < head.size() ? head.get(i).toUpperCase(java.util.Locale.ROOT) : "";
        }
    }

    /** How many leading arguments a {@link Request} keeps as text: command, subcommand, numkeys. */
    static final int HEAD = 3;
    private static final int INCOMPLETE = -1;

    private byte[] buffer = new byte[8_192];
    private int start;
    private int end;

    void feed(byte[] bytes, int offset, int length) {
        if (end + length > buffer.length) {
            int kept = end - start;
            byte[] grown = kept + length > buffer.length ? new byte[Math.max(buffer.length * 2, kept + length)] : buffer;
            System.arraycopy(buffer, start, grown, 0, kept);
            buffer = grown;
            start = 0;
            end = kept;
        }
        System.arraycopy(bytes, offset, buffer, end, length);
        end += length;
    }

    /** True when bytes of an incomplete frame are waiting. */
    boolean hasPartial() {
        return end > start;
    }

    /** The next whole request, or null until more bytes arrive. */
    Request nextRequest() {
        if (start == end) {
            return null;
        }
        if (buffer[start] != '*') {
            // an inline command: the line as it is
            int eol = indexOf('\n', start);
            if (eol < 0) {
                return null;
            }
            String line = new String(buffer, start, eol - start, StandardCharsets.UTF_8).trim();
            List<String> words = Arrays.asList(line.split("\\s+"));
            return new Request(take(eol + 1), words.size(), words.subList(0, Math.min(HEAD, words.size())));
        }
        int lineEnd = lineEnd(start);
        if (lineEnd < 0) {
            return null;
        }
        int argc = (int) number(start + 1, lineEnd);
        int pos = lineEnd + 2;
        List<String> head = new ArrayList<>(Math.min(HEAD, Math.max(argc, 0)));
        for (int i = 0; i < argc; i++) {
            int bulkLineEnd = pos < end ? lineEnd(pos) : INCOMPLETE;
            if (bulkLineEnd < 0) {
                return null;
            }
            int length = (int) number(pos + 1, bulkLineEnd);
            int data = bulkLineEnd + 2;
            if (data + length + 2 > end) {
                return null;
            }
            if (i < HEAD) {
                head.add(new String(buffer, data, length, StandardCharsets.UTF_8));
            }
            pos = data + length + 2;
        }
        return new Request(take(pos), argc, head);
    }

    /** Consumes every whole reply that has arrived and returns how many there were, pushes ({@code >}) not counted. */
    int countReplies() {
        int replies = 0;
        while (start < end) {
            boolean push = buffer[start] == '>';
            int next = skipValue(start);
            if (next < 0) {
                break;
            }
            start = next;
            if (!push) {
                replies++;
            }
        }
        compactIfEmpty();
        return replies;
    }

    /** The end of the value at {@code pos}, or {@value #INCOMPLETE}. */
    private int skipValue(int pos) {
        if (pos >= end) {
            return INCOMPLETE;
        }
        int lineEnd = lineEnd(pos);
        if (lineEnd < 0) {
            return INCOMPLETE;
        }
        byte type = buffer[pos];
        int next = lineEnd + 2;
        switch (type) {
            case '+', '-', ':', '_', ',', '#', '(' -> {
                return next;
            }
            case '$', '!', '=' -> {
                long length = number(pos + 1, lineEnd);
                if (length < 0) {
                    return next;
                }
                return next + length + 2 <= end ? (int) (next + length + 2) : INCOMPLETE;
            }
            case '*', '~', '>', '%', '|' -> {
                long count = number(pos + 1, lineEnd);
                long items = type == '%' || type == '|' ? count * 2 : count;
                for (long i = 0; i < items; i++) {
                    next = skipValue(next);
                    if (next < 0) {
                        return INCOMPLETE;
                    }
                }
                // an attribute annotates the value that follows it: together they are one reply
                return type == '|' ? skipValue(next) : next;
            }
            default -> throw new IllegalStateException("not RESP: type byte '" + (char) type + "'");
        }
    }

    private byte[] take(int to) {
        byte[] frame = Arrays.copyOfRange(buffer, start, to);
        start = to;
        compactIfEmpty();
        return frame;
    }

    private void compactIfEmpty() {
        if (start == end) {
            start = 0;
            end = 0;
        }
    }

    /** Index of the '\r' ending the line at {@code from}, or {@value #INCOMPLETE} while its '\n' has not arrived. */
    private int lineEnd(int from) {
        for (int i = from; i + 1 < end; i++) {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n') {
                return i;
            }
        }
        return INCOMPLETE;
    }

    private int indexOf(char c, int from) {
        for (int i = from; i < end; i++) {
            if (buffer[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private long number(int from, int to) {
        return Long.parseLong(new String(buffer, from, to - from, StandardCharsets.US_ASCII));
    }
}
