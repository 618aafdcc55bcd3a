package io.streambus.impl.admin;

import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.topic.TopicRegistry;
import io.streambus.impl.wire.EntryCodec;
import io.streambus.impl.wire.Keys;
import io.streambus.impl.wire.Replies;
import io.streambus.impl.wire.ReplayScript;
import io.streambus.impl.wire.ScanDeadLettersScript;
import io.streambus.BusOptions;
import io.streambus.admin.DeadLetter;
import io.streambus.admin.DeadLetterFilter;
import io.streambus.admin.DeadLetterPage;
import io.streambus.admin.DeadLetterReplay;
import io.streambus.admin.DeadLetters;
import io.streambus.MessageId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dead letters of one topic. References are {@code <partition>/<dead-letter id>}; pages are ordered by (id,
 * partition) over all partitions, and a page's cursor is the position after which the next page starts, in the same
 * form. A replay run goes partition by partition; its cursor is {@code <partition>/<after>/<last>}.
 */
public final class DefaultDeadLetters implements DeadLetters {
  /** The order of pages: by id (time, then sequence), then partition. */
  private static final Comparator<DeadLetter> ORDER = (a, b) -> compare(a.id(), a.partition(), b.id(), b.partition());

  private final RedisChannel channel;
  private final Keys keys;
  private final BusOptions options;
  private final TopicRegistry topics;
  private final String topic;

  public DefaultDeadLetters(RedisChannel channel, Keys keys, BusOptions options, TopicRegistry topics, String topic) {
    this.channel = channel;
    this.keys = keys;
    this.options = options;
    this.topics = topics;
    this.topic = topic;
  }

  private long deadline() {
    return System.currentTimeMillis() + options.getPublishTimeoutMs();
  }

  @Override
  public Future<Long> count() {
    return topics.recorded(topic).compose(partitions -> {
      List<Future<Long>> lens = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        lens.add(channel.send(Request.cmd(Command.XLEN).arg(keys.deadLetters(topic, p)), deadline())
            .map(r -> r.toLong()));
      }
      return Future.all(lens).map(cf -> lens.stream().mapToLong(Future::result).sum());
    });
  }

  /** A parsed reference; throws IllegalArgumentException naming the problem. */
  private record Ref(int partition, String id) {
    static Ref parse(String ref) {
      if (ref == null || !ref.matches("\\d{1,4}/\\d{1,20}-\\d{1,20}")) {
        throw new IllegalArgumentException("not a dead-letter reference (<partition>/<id>): '" + ref + "'");
      }
      int slash = ref.indexOf('/');
      return new Ref(Integer.parseInt(ref.substring(0, slash)), ref.substring(slash + 1));
    }

    /** Whether the dead letter lies at or before this position in the order of pages. */
    boolean reaches(DeadLetter d) {
      return compare(d.id(), d.partition(), id, partition) <= 0;
    }

    boolean before(Ref other) {
      return compare(id, partition, other.id, other.partition) < 0;
    }

    @Override
    public String toString() {
      return partition + "/" + id;
    }
  }

  /** Where a page starts in partition {@code p}: after the cursor's position in the order of pages. */
  private static String start(Ref after, int p) {
    return after == null ? "-" : (p > after.partition() ? after.id() : "(" + after.id());
  }

  private Future<Ref> ref(String text) {
    try {
      Ref ref = Ref.parse(text);
      return topics.recorded(topic).compose(partitions -> ref.partition() < partitions
          ? Future.succeededFuture(ref)
          : Future.failedFuture(new IllegalArgumentException("topic '" + topic + "' has no partition "
              + ref.partition())));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<DeadLetterPage> list(String cursor, int limit) {
    if (limit < 1 || limit > 1000) {
      return Future.failedFuture(new IllegalArgumentException("limit must be in 1..1000, was " + limit));
    }
    Ref after;
    try {
      after = cursor == null ? null : Ref.parse(cursor);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new IllegalArgumentException("bad cursor: " + e.getMessage()));
    }
    return topics.recorded(topic).compose(partitions -> {
      List<Future<List<DeadLetter>>> parts = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        int partition = p;
        Request range = Request.cmd(Command.XRANGE).arg(keys.deadLetters(topic, p)).arg(start(after, p)).arg("+")
            .arg("COUNT").arg(limit + 1);
        parts.add(channel.send(range, deadline()).map(r -> {
          List<DeadLetter> out = new ArrayList<>();
          Replies.range(r).forEach(e -> out.add(toDeadLetter(partition, e.id(), e.fields())));
          return out;
        }));
      }
      return Future.all(parts).map(cf -> {
        List<DeadLetter> all = new ArrayList<>();
        parts.forEach(f -> all.addAll(f.result()));
        all.sort(ORDER);
        boolean more = all.size() > limit;
        List<DeadLetter> page = new ArrayList<>(all.subList(0, Math.min(limit, all.size())));
        String next = more ? page.get(page.size() - 1).ref() : null;
        return new DeadLetterPage(page, next);
      });
    });
  }

  @Override
  public Future<DeadLetterPage> search(DeadLetterFilter filter, String cursor, int limit) {
    if (filter == null) {
      return Future.failedFuture(new IllegalArgumentException("filter must not be null"));
    }
    if (filter.isEmpty()) {
      return list(cursor, limit);
    }
    if (limit < 1 || limit > 1000) {
      return Future.failedFuture(new IllegalArgumentException("limit must be in 1..1000, was " + limit));
    }
    Ref after;
    try {
      after = cursor == null ? null : Ref.parse(cursor);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new IllegalArgumentException("bad cursor: " + e.getMessage()));
    }
    List<Object> criteria = criteria(filter);
    int only = filter.messagePartition();
    return partitionsFor(filter).compose(partitions -> {
      List<Future<Scan>> scans = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        // a message id that names its partition rules the others out: nothing to examine there
        scans.add(only >= 0 && p != only ? Future.succeededFuture(new Scan(p, null, true, List.of(), 0))
            : find(p, start(after, p), limit + 1, criteria));
      }
      return Future.all(scans).map(cf -> page(scans.stream().map(Future::result).toList(), limit));
    });
  }

  /** The topic's partition count; fails when the filter's message id names another topic or a missing partition. */
  private Future<Integer> partitionsFor(DeadLetterFilter filter) {
    if (filter.messageTopic() != null && !filter.messageTopic().equals(topic)) {
      return Future.failedFuture(new IllegalArgumentException("id names topic '" + filter.messageTopic() + "', not '"
          + topic + "'"));
    }
    return topics.recorded(topic).compose(partitions -> filter.messagePartition() < partitions
        ? Future.succeededFuture(partitions)
        : Future.failedFuture(new IllegalArgumentException("id names partition " + filter.messagePartition()
            + ", but topic '" + topic + "' has " + partitions)));
  }

  /** One partition's part of a search page: the matches found, how far it got, and whether it reached the end. */
  private record Scan(int partition, String last, boolean exhausted, List<DeadLetter> found, long examined) {
  }

  private Future<Scan> find(int partition, String start, int want, List<Object> criteria) {
    Promise<Scan> done = Promise.promise();
    findStep(new Scan(partition, null, false, new ArrayList<>(), 0), start, want, criteria, done);
    return done.future();
  }

  /** One script run, then the next from its callback, until this partition is done for the page. */
  private void findStep(Scan sofar, String start, int want, List<Object> criteria, Promise<Scan> done) {
    int p = sofar.partition();
    long budget = Math.min(SCAN_BATCH, SEARCH_SCAN_LIMIT - sofar.examined());
    scan(p, false, start, "+", budget, want - sofar.found().size(), criteria).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      ScanDeadLettersScript.Reply r = ar.result();
      for (Replies.Entry e : r.found()) {
        sofar.found().add(toDeadLetter(p, e.id(), e.fields()));
      }
      Scan now = new Scan(p, r.lastExamined() == null ? sofar.last() : r.lastExamined(), r.exhausted(),
          sofar.found(), sofar.examined() + r.examined());
      if (now.exhausted() || now.found().size() >= want || now.examined() >= SEARCH_SCAN_LIMIT) {
        done.complete(now);
      } else {
        findStep(now, "(" + now.last(), want, criteria, done);
      }
    });
  }

  /**
   * Merges the partitions' matches into a page. Everything up to the least advanced partition that stopped early has
   * been examined in every partition; a match beyond it could still be preceded by one that partition has not
   * reached, so it waits for the next page, which starts at that frontier.
   */
  private static DeadLetterPage page(List<Scan> scans, int limit) {
    Ref frontier = null;
    for (Scan s : scans) {
      if (!s.exhausted() && s.last() != null) {
        Ref here = new Ref(s.partition(), s.last());
        if (frontier == null || here.before(frontier)) {
          frontier = here;
        }
      }
    }
    Ref bound = frontier;
    List<DeadLetter> safe = scans.stream().flatMap(s -> s.found().stream())
        .filter(d -> bound == null || bound.reaches(d)).sorted(ORDER).toList();
    List<DeadLetter> items = new ArrayList<>(safe.subList(0, Math.min(limit, safe.size())));
    String next = safe.size() > limit ? items.get(items.size() - 1).ref()
        : bound != null ? bound.toString() : null;
    return new DeadLetterPage(items, next);
  }

  private static int compare(String id1, int partition1, String id2, int partition2) {
    int byTime = Long.compare(Replies.idTime(id1), Replies.idTime(id2));
    if (byTime != 0) {
      return byTime;
    }
    int bySeq = Long.compareUnsigned(seq(id1), seq(id2));
    return bySeq != 0 ? bySeq : Integer.compare(partition1, partition2);
  }

  private static long seq(String id) {
    int dash = id.indexOf('-');
    return dash < 0 ? 0 : Long.parseUnsignedLong(id.substring(dash + 1));
  }

  @Override
  public Future<DeadLetter> get(String refText) {
    return ref(refText).compose(ref -> channel.send(Request.cmd(Command.XRANGE)
            .arg(keys.deadLetters(topic, ref.partition())).arg(ref.id()).arg(ref.id()), deadline())
        .map(r -> {
          List<Replies.Entry> entries = Replies.range(r);
          return entries.isEmpty() ? null : toDeadLetter(ref.partition(), ref.id(), entries.get(0).fields());
        }));
  }

  @Override
  public Future<MessageId> replay(String refText) {
    return ref(refText).compose(ref -> new ReplayScript(keys.deadLetters(topic, ref.partition()),
            keys.stream(topic, ref.partition()), ref.id()).run(channel, deadline())
        .map(id -> id == null ? null : MessageId.of(topic, ref.partition(), id)));
  }

  /** Where a replay run stands: the partition, the last id examined there ("-": none yet), its last id ("+": open). */
  private record ReplayCursor(int partition, String after, String last) {
    private static final Pattern FORM = Pattern.compile("(\\d{1,4})/(-|\\d{1,20}-\\d{1,20})/(\\+|\\d{1,20}-\\d{1,20})");

    static ReplayCursor parse(String cursor) {
      Matcher m = cursor == null ? null : FORM.matcher(cursor);
      if (m == null || !m.matches()) {
        throw new IllegalArgumentException("bad cursor: not a replay cursor (<partition>/<after>/<last>): '" + cursor
            + "'");
      }
      return new ReplayCursor(Integer.parseInt(m.group(1)), m.group(2), m.group(3));
    }

    static ReplayCursor first(int partition) {
      return new ReplayCursor(partition, "-", "+");
    }

    String start() {
      return after.equals("-") ? "-" : "(" + after;
    }

    @Override
    public String toString() {
      return partition + "/" + after + "/" + last;
    }
  }

  /** The counts of a replay run so far. */
  private record Tally(long replayed, long skipped, long examined) {
    Tally plus(ScanDeadLettersScript.Reply batch) {
      return new Tally(replayed + batch.replayed(), skipped + batch.skipped(), examined + batch.examined());
    }
  }

  @Override
  public Future<DeadLetterReplay> replayAll(DeadLetterFilter filter, String cursor, int limit) {
    if (filter == null) {
      return Future.failedFuture(new IllegalArgumentException("filter must not be null"));
    }
    if (limit < 1 || limit > MAX_REPLAY) {
      return Future.failedFuture(new IllegalArgumentException("limit must be in 1.." + MAX_REPLAY + ", was " + limit));
    }
    ReplayCursor from;
    try {
      from = cursor == null ? ReplayCursor.first(0) : ReplayCursor.parse(cursor);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    List<Object> criteria = criteria(filter);
    int only = filter.messagePartition();
    return partitionsFor(filter).compose(partitions -> {
      if (from.partition() > partitions) {
        return Future.failedFuture(new IllegalArgumentException("bad cursor: topic '" + topic + "' has no partition "
            + from.partition()));
      }
      // a message id that names its partition confines the run to it
      ReplayCursor start = from.partition() < only ? ReplayCursor.first(only) : from;
      int end = only >= 0 ? Math.min(only + 1, partitions) : partitions;
      Promise<DeadLetterReplay> done = Promise.promise();
      replayStep(start, new Tally(0, 0, 0), end, limit, criteria, done);
      return done.future();
    });
  }

  /**
   * One script run, then the next from its callback (not a chain of composed futures, which would grow with the
   * number of runs), until the partitions are done or a bound of the call is reached.
   */
  private void replayStep(ReplayCursor at, Tally tally, int end, int limit, List<Object> criteria,
                          Promise<DeadLetterReplay> done) {
    if (at.partition() >= end) {
      done.complete(new DeadLetterReplay(tally.replayed(), tally.skipped(), tally.examined(), null));
      return;
    }
    if (tally.replayed() >= limit || tally.examined() >= REPLAY_SCAN_LIMIT) {
      done.complete(new DeadLetterReplay(tally.replayed(), tally.skipped(), tally.examined(), at.toString()));
      return;
    }
    long budget = Math.min(SCAN_BATCH, REPLAY_SCAN_LIMIT - tally.examined());
    scan(at.partition(), true, at.start(), at.last(), budget, limit - tally.replayed(), criteria).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      ScanDeadLettersScript.Reply r = ar.result();
      ReplayCursor next = r.exhausted() ? ReplayCursor.first(at.partition() + 1)
          : new ReplayCursor(at.partition(), r.lastExamined(), r.runLast());
      replayStep(next, tally.plus(r), end, limit, criteria, done);
    });
  }

  /**
   * The script's criteria: field/value pairs of the dead letter that must all be equal (the partition a message id
   * names is not among them: it decides which partitions are examined at all).
   */
  private static List<Object> criteria(DeadLetterFilter filter) {
    List<Object> c = new ArrayList<>();
    if (filter.group() != null) {
      c.addAll(List.of("dl:group", filter.group()));
    }
    if (filter.messageId() != null) {
      c.addAll(List.of("dl:id", filter.messageId()));
    }
    if (filter.key() != null) {
      c.addAll(List.of(EntryCodec.KEY, filter.key()));
    }
    filter.headers().forEach((name, value) -> c.addAll(List.of(EntryCodec.HEADER_PREFIX + name, value)));
    return c;
  }

  private Future<ScanDeadLettersScript.Reply> scan(int partition, boolean replay, String from, String last,
                                                   long budget, long want, List<Object> criteria) {
    return new ScanDeadLettersScript(keys.deadLetters(topic, partition), keys.stream(topic, partition), replay, from,
        last, budget, want, criteria).run(channel, deadline());
  }

  @Override
  public Future<Boolean> delete(String refText) {
    return ref(refText).compose(ref -> channel.send(Request.cmd(Command.XDEL)
        .arg(keys.deadLetters(topic, ref.partition())).arg(ref.id()), deadline()).map(r -> r.toLong() > 0));
  }

  @Override
  public Future<Long> purge() {
    return topics.recorded(topic).compose(partitions -> {
      List<Future<Long>> removed = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        // XTRIM to 0 answers exactly how many it removed, unlike XLEN followed by DEL
        removed.add(channel.send(Request.cmd(Command.XTRIM).arg(keys.deadLetters(topic, p)).arg("MAXLEN").arg(0),
            deadline()).map(r -> r.toLong()));
      }
      return Future.all(removed).map(cf -> removed.stream().mapToLong(Future::result).sum());
    });
  }

  private DeadLetter toDeadLetter(int partition, String id, Map<String, Buffer> all) {
    Map<String, Buffer> original = new LinkedHashMap<>();
    Map<String, String> meta = new LinkedHashMap<>();
    all.forEach((k, v) -> {
      if (k.startsWith("dl:")) {
        meta.put(k.substring(3), v.toString());
      } else {
        original.put(k, v);
      }
    });
    return new DeadLetter(partition + "/" + id, partition, id, meta.get("stream"), meta.get("id"),
        meta.get("group"), meta.get("consumer"), parseInt(meta.get("deliveries")), meta.get("error-class"),
        meta.get("error"), parseLong(meta.get("time")), original);
  }

  private static int parseInt(String s) {
    try {
      return s == null ? 0 : Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static long parseLong(String s) {
    try {
      return s == null ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
