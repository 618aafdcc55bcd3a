package io.streambus.consumers.handlers;

import io.streambus.BusException;
import io.streambus.Message;
import io.streambus.ModelWrites;
import io.streambus.Projection;
import io.streambus.app.Settings;
import io.streambus.consumers.spi.ProjectionFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.Set;

/**
 * {@code BUS_HANDLER=sum-by-key}: a read model, exactly once, of the sum of a JSON field per message key. For each
 * message, {@code HINCRBY} (or {@code HINCRBYFLOAT}) of the hash {@code <prefix>:{<topic>:<p>}:model:<BUS_SUM_MODEL>},
 * field = the message key, by the payload's field {@value #FIELD}; and {@code HINCRBY} by 1 of
 * {@code ...:model:<BUS_SUM_MODEL>:count}, so that a reader can tell a doubled message from a larger amount. Messages
 * without a key sum into the field {@value #NO_KEY}. A payload without the field, or with a value of the wrong kind,
 * is dead-lettered at once.
 */
public final class SumByKeyProjectionFactory implements ProjectionFactory {
  public static final String FIELD = "BUS_SUM_FIELD";
  public static final String MODEL = "BUS_SUM_MODEL";
  public static final String TYPE = "BUS_SUM_TYPE";
  /** The hash field of messages without a key. */
  public static final String NO_KEY = "(none)";

  /** What the summed values are. */
  public enum Kind {
    /** 64-bit integers: HINCRBY, exact. */
    INTEGER,
    /** Decimal numbers: HINCRBYFLOAT (a double's precision per step). */
    DECIMAL
  }

  @Override
  public String name() {
    return "sum-by-key";
  }

  @Override
  public Set<String> settingNames() {
    return Set.of(FIELD, MODEL, TYPE);
  }

  @Override
  public Projection createProjection(Vertx vertx, JsonObject config) {
    Settings s = new Settings(config);
    String field = s.required(FIELD);
    String model = s.string(MODEL, "sum-" + field);
    Kind kind = s.choice(TYPE, Kind.class, Kind.INTEGER);
    return (message, writes) -> {
      add(message, writes, field, model, kind);
      return Future.succeededFuture();
    };
  }

  private static void add(Message message, ModelWrites writes, String field, String model, Kind kind) {
    Object value = message.json().getValue(field);
    if (!(value instanceof Number n)) {
      throw new BusException.NonRetryable("payload of " + message.id() + " has no number in field '" + field + "'");
    }
    String key = message.key() == null ? NO_KEY : message.key();
    if (kind == Kind.DECIMAL) {
      writes.hincrbyfloat(writes.key(model), key, n.doubleValue());
    } else {
      writes.hincrby(writes.key(model), key, integer(message, field, n));
    }
    writes.hincrby(writes.key(model + ":count"), key, 1);
  }

  private static long integer(Message message, String field, Number n) {
    try {
      return new BigDecimal(n.toString()).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new BusException.NonRetryable("field '" + field + "' of " + message.id() + " is not a 64-bit integer: "
          + n);
    }
  }
}
