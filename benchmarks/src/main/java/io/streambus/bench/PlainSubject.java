package io.streambus.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The baseline: what one would write directly on vertx-redis-client, with nothing the bus's guarantees need.
 * Publishing is XADD pipelined on one dedicated connection ({@code send}, or {@code batch} for a list), writing the
 * body and the two headers as the bus names them. Each consumer loops {@code XREADGROUP COUNT n BLOCK ms} on a
 * connection of its own, runs the handler on each entry's payload, and once the batch's handlers are done sends one
 * XACK for the batch on a second connection without waiting for it, and reads again. Same client, same protocol
 * (RESP2, as the bus), and the same contexts.
 */
final class PlainSubject implements Subject {
  private static final String PAYLOAD = "payload";
  private final Vertx vertx;
  private final Redis client;
  private final String stream;
  private final String group = "bench";
  private final int readCount;
  private final long blockMs;
  private final List<Consumer> consumers = new ArrayList<>();
  private RedisConnection publisher;

  PlainSubject(Vertx vertx, String uri, String stream, int readCount, long blockMs) {
    this.vertx = vertx;
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(uri)
        .setPreferredProtocolVersion(ProtocolVersion.RESP2).setMaxPoolSize(64).setMaxWaitingHandlers(20_000));
    this.stream = stream;
    this.readCount = readCount;
    this.blockMs = blockMs;
  }

  @Override
  public String name() {
    return "plain";
  }

  @Override
  public Future<Void> open() {
    return client.connect().map(c -> {
      publisher = c;
      return null;
    });
  }

  @Override
  public Future<?> publish(Buffer payload) {
    return publisher.send(xadd(payload));
  }

  @Override
  public Future<?> publishAll(List<Buffer> payloads) {
    List<Request> batch = new ArrayList<>(payloads.size());
    for (Buffer p : payloads) {
      batch.add(xadd(p));
    }
    return publisher.batch(batch);
  }

  private Request xadd(Buffer payload) {
    return Request.cmd(Command.XADD).arg(stream).arg("*").arg(PAYLOAD).arg(payload)
        .arg("h:" + Payloads.HEADER_1).arg(Payloads.VALUE_1).arg("h:" + Payloads.HEADER_2).arg(Payloads.VALUE_2);
  }

  @Override
  public Future<Void> consume(List<Context> contexts, IntFunction<Receiver> sinks, long asyncDelayMs) {
    Future<Void> group = client.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(this.group).arg("$")
        .arg("MKSTREAM")).mapEmpty();
    return group.compose(v -> {
      List<Future<?>> started = new ArrayList<>();
      for (int i = 0; i < contexts.size(); i++) {
        Consumer c = new Consumer("plain-" + i, sinks.apply(i), asyncDelayMs);
        consumers.add(c);
        started.add(c.start(contexts.get(i)));
      }
      return Future.all(started).mapEmpty();
    });
  }

  @Override
  public String stream() {
    return stream;
  }

  @Override
  public String group() {
    return group;
  }

  @Override
  public Future<Void> close() {
    consumers.forEach(c -> c.running = false);
    return client.close();
  }

  /** One consumer: the read loop and its acknowledgements, confined to one context. */
  private final class Consumer {
    private final String name;
    private final Receiver sink;
    private final long asyncDelayMs;
    private RedisConnection reads;
    private RedisConnection acks;
    private volatile boolean running = true;

    Consumer(String name, Receiver sink, long asyncDelayMs) {
      this.name = name;
      this.sink = sink;
      this.asyncDelayMs = asyncDelayMs;
    }

    Future<Void> start(Context context) {
      Promise<Void> started = Promise.promise();
      context.runOnContext(v -> Future.all(client.connect(), client.connect()).onComplete(ar -> {
        if (ar.failed()) {
          started.fail(ar.cause());
          return;
        }
        reads = ar.result().resultAt(0);
        acks = ar.result().resultAt(1);
        started.complete();
        read();
      }));
      return started.future();
    }

    private void read() {
      if (!running) {
        return;
      }
      reads.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(group).arg(name).arg("COUNT").arg(readCount)
          .arg("BLOCK").arg(blockMs).arg("STREAMS").arg(stream).arg(">")).onComplete(ar -> {
            if (ar.failed()) {
              if (running) {
                System.err.println("plain " + name + ": XREADGROUP failed: " + ar.cause());
                vertx.setTimer(100, t -> read());
              }
              return;
            }
            if (ar.result() == null) {
              read();
            } else {
              handle(ar.result().get(0).get(1));
            }
          });
    }

    private void handle(Response entries) {
      Request xack = Request.cmd(Command.XACK).arg(stream).arg(group);
      if (asyncDelayMs < 0) {
        for (Response entry : entries) {
          sink.accept(payload(entry.get(1)));
          xack.arg(entry.get(0).toString());
        }
        acked(xack);
        return;
      }
      int[] left = {entries.size()};
      for (Response entry : entries) {
        xack.arg(entry.get(0).toString());
        Handlers.handle(sink, payload(entry.get(1)), asyncDelayMs).onComplete(ar -> {
          if (--left[0] == 0) {
            acked(xack);
          }
        });
      }
    }

    private void acked(Request xack) {
      acks.send(xack).onFailure(e -> System.err.println("plain " + name + ": XACK failed: " + e));
      read();
    }

    private Buffer payload(Response fields) {
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        if (PAYLOAD.equals(fields.get(i).toString())) {
          return fields.get(i + 1).toBuffer();
        }
      }
      return null;
    }
  }
}
