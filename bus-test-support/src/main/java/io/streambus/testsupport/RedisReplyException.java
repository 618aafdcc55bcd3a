package io.streambus.testsupport;

/** An error reply from Redis (e.g. {@code WRONGTYPE ...}, {@code MOVED 3999 127.0.0.1:7001}); the message is the error text. */
public class RedisReplyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RedisReplyException(String message) {
        super(message);
    }

    /** The first word of the error, e.g. {@code BUSYGROUP}, {@code NOAUTH}, {@code MOVED}. */
    public String code() {
        String message = getMessage();
        int space = message.indexOf(' ');
        return space < 0 ? message : message.substring(0, space);
    }
}
