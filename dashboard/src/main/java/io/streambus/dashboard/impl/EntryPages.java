package io.streambus.dashboard.impl;

import io.streambus.admin.BusAdmin;
import io.streambus.admin.StreamEntry;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Pages of a topic's entries newest first, merged over the partitions asked for, filtered. Entries are ordered by id,
 * newest first, and by partition among equal ids. Each page reads each partition backwards in chunks and stops after
 * {@link #SCAN_LIMIT} entries in all, so a filter that matches little over a huge stream still answers quickly: the
 * page then holds fewer matches than asked for (even none) and a cursor to continue from.
 *
 * <p>A cursor {@code <id>:<p>} says the page ended with entry {@code <id>} of partition {@code <p>}; {@code <id>:*}
 * says every partition was searched down to (and including) {@code <id>}.
 */
final class EntryPages {
  /** Entries one page reads at most, over all partitions. */
  static final int SCAN_LIMIT = 10_000;
  private static final Comparator<StreamEntry> NEWEST_FIRST = (a, b) -> {
    int byId = compareIds(b.id(), a.id());
    return byId != 0 ? byId : Integer.compare(a.partition(), b.partition());
  };

  private final BusAdmin admin;

  EntryPages(BusAdmin admin) {
    this.admin = admin;
  }

  /** The outcome: the entries, where to continue (null: nothing older matches), and how many were read. */
  record Page(List<StreamEntry> items, String next, int scanned) {
  }

  /** Where one partition's reading stands within a page. */
  private static final class Reader {
    final int partition;
    String before;
    boolean done;
    final List<StreamEntry> matches = new ArrayList<>();

    Reader(int partition, String before) {
      this.partition = partition;
      this.before = before;
    }
  }

  /**
   * @param partitions the partitions to read, ascending
   * @param cursor null for the first page, else a {@link Page#next()} of the same browse
   */
  Future<Page> page(String topic, List<Integer> partitions, EntryFilter filter, String cursor, int limit) {
    List<Reader> readers = new ArrayList<>();
    for (int p : partitions) {
      readers.add(new Reader(p, start(p, filter, cursor)));
    }
    int chunk = filter.timeOnly() ? limit : BusAdmin.MAX_READ;
    return scan(topic, readers, filter, chunk, limit, 0).map(scanned -> assemble(readers, limit, scanned));
  }

  /** Where partition {@code p} is read from: before the cursor (its own entry at the cursor id when it comes after). */
  private static String start(int p, EntryFilter filter, String cursor) {
    String before = filter.untilMs() == null ? null : (filter.untilMs() + 1) + "-0";
    if (cursor != null) {
      int colon = cursor.lastIndexOf(':');
      String id = cursor.substring(0, colon);
      String of = cursor.substring(colon + 1);
      String at = of.equals("*") || p <= Integer.parseInt(of) ? id : next(id);
      before = before == null || compareIds(at, before) < 0 ? at : before;
    }
    return before;
  }

  /** One round reads every partition that still needs matches, all at once; rounds go on within the scan limit. */
  private Future<Integer> scan(String topic, List<Reader> readers, EntryFilter filter, int chunk, int limit,
                               int scanned) {
    List<Reader> active = readers.stream().filter(r -> !r.done && r.matches.size() < limit).toList();
    // what is left of the limit, shared; less than one entry each ends the page (so it never reads more)
    int each = active.isEmpty() ? 0 : Math.min(chunk, (SCAN_LIMIT - scanned) / active.size());
    if (each == 0) {
      return Future.succeededFuture(scanned);
    }
    List<Future<Integer>> reads = new ArrayList<>();
    for (Reader r : active) {
      reads.add(admin.readBackward(topic, r.partition, r.before, each).map(entries -> take(r, entries, each,
          filter)));
    }
    return Future.all(reads).compose(all -> {
      int read = reads.stream().mapToInt(Future::result).sum();
      return scan(topic, readers, filter, chunk, limit, scanned + read);
    });
  }

  private static int take(Reader r, List<StreamEntry> entries, int asked, EntryFilter filter) {
    for (StreamEntry e : entries) {
      if (filter.sinceMs() != null && e.timestamp() < filter.sinceMs()) {
        r.done = true;
        return entries.size();
      }
      if (filter.matches(e)) {
        r.matches.add(e);
      }
      r.before = e.id();
    }
    if (entries.size() < asked) {
      r.done = true;
    }
    return entries.size();
  }

  /**
   * Only matches at or above the frontier (the highest id down to which some unfinished partition was read) are in
   * order for certain: below it, another partition may hold entries not read yet.
   */
  private static Page assemble(List<Reader> readers, int limit, int scanned) {
    String frontier = null;
    for (Reader r : readers) {
      if (!r.done && (frontier == null || compareIds(r.before, frontier) > 0)) {
        frontier = r.before;
      }
    }
    List<StreamEntry> all = new ArrayList<>();
    readers.forEach(r -> all.addAll(r.matches));
    all.sort(NEWEST_FIRST);
    List<StreamEntry> ready = new ArrayList<>();
    for (StreamEntry e : all) {
      if (frontier == null || compareIds(e.id(), frontier) >= 0) {
        ready.add(e);
      }
    }
    if (ready.size() > limit) {
      List<StreamEntry> items = List.copyOf(ready.subList(0, limit));
      StreamEntry last = items.get(limit - 1);
      return new Page(items, last.id() + ":" + last.partition(), scanned);
    }
    if (frontier != null) {
      return new Page(ready, frontier + ":*", scanned);
    }
    return new Page(ready, null, scanned);
  }

  /** Entry ids compared as Redis orders them: time, then sequence (both unsigned). */
  static int compareIds(String a, String b) {
    int da = a.indexOf('-');
    int db = b.indexOf('-');
    int byTime = Long.compareUnsigned(Long.parseUnsignedLong(a.substring(0, da)),
        Long.parseUnsignedLong(b.substring(0, db)));
    return byTime != 0 ? byTime : Long.compareUnsigned(Long.parseUnsignedLong(a.substring(da + 1)),
        Long.parseUnsignedLong(b.substring(db + 1)));
  }

  /** The smallest id after {@code id}. */
  static String next(String id) {
    int d = id.indexOf('-');
    long seq = Long.parseUnsignedLong(id.substring(d + 1));
    return seq == -1L ? Long.toUnsignedString(Long.parseUnsignedLong(id.substring(0, d)) + 1) + "-0"
        : id.substring(0, d + 1) + Long.toUnsignedString(seq + 1);
  }
}
