package io.streambus.impl.request;

import io.streambus.BusException;
import io.streambus.BusMeters;
import io.streambus.ConsumerOptions;
import io.streambus.Message;
import io.streambus.MessageHandler;
import io.streambus.OutgoingReply;
import io.streambus.RequestHandler;
import io.streambus.Topics;
import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.metrics.Meters;
import io.streambus.impl.wire.Keys;
import io.streambus.impl.wire.ReplyCodec;
import io.streambus.impl.wire.ReplyScript;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.List;

/**
 * A responder as its subscription sees it: the {@link MessageHandler} of a consumer group whose messages are requests.
 * It reads the request's headers, does not start a request whose deadline passed, runs the {@link RequestHandler}
 * within the deadline, and sends the reply (reply.lua) before the subscription acknowledges the request. A failure
 * is left to the subscription (retry, dead letter) and, when it is the last (final, or the delivery limit reached), sent
 * to the requester first.
 */
public final class Responder implements MessageHandler {
  /** Longest error text sent back to a requester, in characters. */
  private static final int MAX_ERROR_TEXT = 2_000;

  private final Vertx vertx;
  private final RedisChannel commands;
  private final Keys keys;
  private final Meters meters;
  private final String topic;
  private final String group;
  private final String consumer;
  private final RequestHandler handler;
  private final int maxDeliveries;
  /** How long the handler may run: the subscription's handler timeout less time for the reply. */
  private final long handlerBudgetMs;
  private final long commandTimeoutMs;

  public Responder(Vertx vertx, RedisChannel commands, Keys keys, Meters meters, String topic, String group,
                   String consumer, RequestHandler handler, ConsumerOptions options, long commandTimeoutMs) {
    this.vertx = vertx;
    this.commands = commands;
    this.keys = keys;
    this.meters = meters;
    this.topic = topic;
    this.group = group;
    this.consumer = consumer;
    this.handler = handler;
    this.maxDeliveries = options.getMaxDeliveries();
    long timeout = options.getHandlerTimeoutMs();
    this.handlerBudgetMs = Math.max(1, timeout - Math.min(1_000, timeout / 10));
    this.commandTimeoutMs = commandTimeoutMs;
  }

  @Override
  public Future<Void> handle(Message message) {
    String requestId = message.header(ReplyCodec.REQUEST_ID);
    String replyTo = message.header(ReplyCodec.REPLY_TO);
    String deadlineText = message.header(ReplyCodec.DEADLINE);
    if (requestId == null || replyTo == null || deadlineText == null) {
      return Future.failedFuture(new BusException.NonRetryable("not a request: a request carries the headers "
          + ReplyCodec.REQUEST_ID + ", " + ReplyCodec.REPLY_TO + " and " + ReplyCodec.DEADLINE + "; this one has "
          + message.headers().keySet()));
    }
    if (!Topics.isValidName(replyTo)) {
      return Future.failedFuture(new BusException.NonRetryable("not a request: header " + ReplyCodec.REPLY_TO
          + " must be a bus instance id (1-200 of [A-Za-z0-9._-]), was '" + replyTo + "'"));
    }
    long deadline;
    try {
      deadline = Long.parseLong(deadlineText);
    } catch (NumberFormatException e) {
      return Future.failedFuture(new BusException.NonRetryable("not a request: header " + ReplyCodec.DEADLINE
          + " must be epoch milliseconds, was '" + deadlineText + "'"));
    }
    long left = deadline - System.currentTimeMillis();
    if (left <= 0) {
      meters.counter(BusMeters.REQUEST_EXPIRED, topic, group, "when", "before_start").increment();
      return Future.succeededFuture();
    }
    String inbox = keys.inbox(replyTo);
    return call(new DefaultRequest(message, requestId, deadline), Math.min(left, handlerBudgetMs)).transform(ar -> {
      if (ar.succeeded()) {
        OutgoingReply reply = ar.result() == null ? OutgoingReply.empty() : ar.result();
        // a failed send fails the delivery: retried, so the requester still gets an answer (perhaps two: it keeps one)
        return new ReplyScript(inbox, ReplyCodec.success(requestId, topic, consumer, reply))
            .run(commands, System.currentTimeMillis() + commandTimeoutMs).map(added -> counted(added, "success"));
      }
      Throwable error = ar.cause();
      if (System.currentTimeMillis() >= deadline) {
        // the requester gave up: a retry would not be started, and an answer would be dropped
        meters.counter(BusMeters.REQUEST_EXPIRED, topic, group, "when", "after_failure").increment();
        return Future.succeededFuture();
      }
      if (error instanceof BusException.NonRetryable || message.deliveryCount() >= maxDeliveries) {
        // dead-lettered next: the requester hears of it now, whether or not the answer gets through
        String text = String.valueOf(error.getMessage());
        text = text.length() > MAX_ERROR_TEXT ? text.substring(0, MAX_ERROR_TEXT) + "..." : text;
        List<Object> fields = ReplyCodec.failure(requestId, topic, consumer, error.getClass().getName(), text);
        return new ReplyScript(inbox, fields).run(commands, System.currentTimeMillis() + commandTimeoutMs)
            .transform(sent -> {
              if (sent.succeeded()) {
                counted(sent.result(), "failure");
              }
              return Future.failedFuture(error);
            });
      }
      return Future.failedFuture(error);
    });
  }

  private Void counted(boolean added, String outcome) {
    if (added) {
      meters.counter(BusMeters.REQUEST_ANSWERED, topic, group, "outcome", outcome).increment();
    } else {
      meters.counter(BusMeters.REQUEST_ANSWER_DROPPED, topic, group).increment();
    }
    return null;
  }

  /** The handler's answer, or a failure when it throws, answers null as a future, or runs past {@code budgetMs}. */
  private Future<OutgoingReply> call(DefaultRequest request, long budgetMs) {
    Future<OutgoingReply> answer;
    try {
      answer = handler.handle(request);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (answer == null) {
      return Future.failedFuture(new IllegalStateException("the request handler returned null instead of a future"));
    }
    if (answer.isComplete()) {
      return answer;
    }
    Promise<OutgoingReply> bounded = Promise.promise();
    long timer = vertx.setTimer(budgetMs, t -> bounded.tryFail(new BusException.Timeout("the request handler did not"
        + " answer within " + budgetMs + " ms (the request's deadline, or the handler timeout less time to reply)")));
    answer.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        bounded.tryComplete(ar.result());
      } else {
        bounded.tryFail(ar.cause());
      }
    });
    return bounded.future();
  }
}
