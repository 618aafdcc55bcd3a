package io.streambus.impl.consume;

import io.streambus.ConsumerListener;
import io.streambus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user's listener, isolated once where it is installed: a callback that throws is logged and ignored, so no
 * call site (a read loop, a claim, a settle step) can be stopped by it.
 */
final class SafeListener implements ConsumerListener {
  private static final Logger LOG = LoggerFactory.getLogger(SafeListener.class);
  private final ConsumerListener inner;

  private SafeListener(ConsumerListener inner) {
    this.inner = inner;
  }

  static ConsumerListener of(ConsumerListener listener) {
    return listener instanceof SafeListener ? listener : new SafeListener(listener);
  }

  private void call(String method, Runnable callback) {
    try {
      callback.run();
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      LOG.warn("ConsumerListener.{} threw; ignored", method, t);
    }
  }

  @Override
  public void onRedisError(String stream, String operation, Throwable error) {
    call("onRedisError", () -> inner.onRedisError(stream, operation, error));
  }

  @Override
  public void onHandlerFailure(Message message, Throwable error, boolean willRetry) {
    call("onHandlerFailure", () -> inner.onHandlerFailure(message, error, willRetry));
  }

  @Override
  public void onReclaim(String stream, int claimed, int trimmed) {
    call("onReclaim", () -> inner.onReclaim(stream, claimed, trimmed));
  }

  @Override
  public void onDeadLetter(String stream, String entryId, String reason) {
    call("onDeadLetter", () -> inner.onDeadLetter(stream, entryId, reason));
  }

  @Override
  public void onLeaseLost(Message message, String reason) {
    call("onLeaseLost", () -> inner.onLeaseLost(message, reason));
  }
}
