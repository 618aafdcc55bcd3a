package io.streambus.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls a condition with a deadline: the replacement for sleeps in tests. The condition is checked
 * every 20 ms and once more at the deadline. A condition that throws (a RuntimeException or an
 * AssertionError) counts as "not yet"; the last such failure becomes the cause of the timeout error.
 */
public final class Poll {

    private static final long INTERVAL_MS = 20;

    private Poll() {
    }

    /**
     * Returns as soon as {@code condition} is true.
     *
     * @throws AssertionError with {@code describe.get()} in its message when the timeout passes first
     */
    public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> describe) {
        until(timeout, condition::getAsBoolean, Boolean::booleanValue, null, describe);
    }

    /**
     * Returns the first value of {@code value} that {@code accept} accepts.
     *
     * @throws AssertionError naming {@code what} and the last value seen when the timeout passes first
     */
    public static <T> T until(Duration timeout, Supplier<T> value, Predicate<T> accept, String what) {
        return until(timeout, value, accept, what, null);
    }

    private static <T> T until(Duration timeout, Supplier<T> value, Predicate<T> accept, String what,
                               Supplier<String> describe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        boolean seen = false;
        Throwable lastFailure = null;
        while (true) {
            try {
                T candidate = value.get();
                last = candidate;
                seen = true;
                lastFailure = null;
                if (accept.test(candidate)) {
                    return candidate;
                }
            } catch (RuntimeException | AssertionError e) {
                lastFailure = e;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            sleep(Math.min(INTERVAL_MS, Math.max(1, left / 1_000_000)));
        }
        String message;
        if (describe != null) {
            message = "Timed out after " + timeout + ": " + describe.get();
        } else {
            message = "Timed out after " + timeout + " waiting for " + what
                    + (seen ? "; last value: " + last : "; no value obtained");
        }
        if (lastFailure != null) {
            message += "; last attempt failed with: " + lastFailure;
        }
        throw new AssertionError(message, lastFailure);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while polling", e);
        }
    }
}
