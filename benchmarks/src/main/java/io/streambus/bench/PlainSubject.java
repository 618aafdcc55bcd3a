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
 * The baseline: what one would write directly on vertx-redis-client, with the same shape as the bus and nothing the
 * bus's guarantees need. Publishing is XADD pipelined on one dedicated connection (the driver bounds what is in
 * flight, as for the bus). Each consumer loops {@code XREADGROUP COUNT n BLOCK} on a connection of its own, hands each
 * entry's payload to the sink, then sends one XACK for the whole batch on a second connection without waiting for
 * it, and reads again. Same client, same protocol (RESP2, as the bus), same contexts as the bus.
 */
final class PlainSubject implements Subject {
  private static final long BLOCK_MS = 2_000;
  private final Vertx vertx;
  private final Redis client;
  private final String stream;
  private final String group = "bench";
  private final int readCount;
  private final List<Consumer> consumers = new ArrayList<>();
  private RedisConnection publisher;

  PlainSubject(Vertx vertx, String uri, String stream, int readCount) {
    this.vertx = vertx;
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(uri)
        .setPreferredProtocolVersion(ProtocolVersion.RESP2).setMaxPoolSize(64).setMaxWaitingHandlers(20_000));
    this.stream = stream;
    this.readCount = readCount;
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
    return publisher.send(Request.cmd(Command.XADD).arg(stream).arg("*").arg("payload").arg(payload));
  }

  @Override
  public Future<Void> consume(int n, IntFunction<Receiver> sinks) {
    Future<Void> group = client.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(this.group).arg("$")
        .arg("MKSTREAM")).mapEmpty();
    return group.compose(v -> {
      List<Future<?>> started = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Consumer c = new Consumer("plain-" + i, sinks.apply(i));
        consumers.add(c);
        started.add(c.start(vertx.getOrCreateContext()));
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
    private RedisConnection reads;
    private RedisConnection acks;
    private volatile boolean running = true;

    Consumer(String name, Receiver sink) {
      this.name = name;
      this.sink = sink;
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
          .arg("BLOCK").arg(BLOCK_MS).arg("STREAMS").arg(stream).arg(">")).onComplete(ar -> {
            if (ar.failed()) {
              if (running) {
                System.err.println("plain " + name + ": XREADGROUP failed: " + ar.cause());
                vertx.setTimer(100, t -> read());
              }
              return;
            }
            if (ar.result() != null) {
              handle(ar.result().get(0).get(1));
            }
            read();
          });
    }

    private void handle(Response entries) {
      Request xack = Request.cmd(Command.XACK).arg(stream).arg(group);
      for (Response entry : entries) {
        sink.accept(payload(entry.get(1)));
        xack.arg(entry.get(0).toString());
      }
      acks.send(xack).onFailure(e -> System.err.println("plain " + name + ": XACK failed: " + e));
    }

    private Buffer payload(Response fields) {
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        if ("payload".equals(fields.get(i).toString())) {
          return fields.get(i + 1).toBuffer();
        }
      }
      return null;
    }
  }
}
