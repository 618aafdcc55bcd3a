package io.streambus.impl.admin;

import io.streambus.BusOptions;
import io.streambus.Topics;
import io.streambus.admin.GroupReset;
import io.streambus.admin.PartitionReset;
import io.streambus.admin.ResetPosition;
import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.topic.TopicRegistry;
import io.streambus.impl.wire.Keys;
import io.streambus.impl.wire.Outcome;
import io.streambus.impl.wire.ResetGroupScript;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * Moves a group's position per partition (reset_group.lua): a preview over every partition first, which also decides
 * whether live members refuse the reset, then the partitions one by one.
 */
final class GroupPositions {
  private final RedisChannel channel;
  private final Keys keys;
  private final BusOptions options;
  private final TopicRegistry topics;

  GroupPositions(RedisChannel channel, Keys keys, BusOptions options, TopicRegistry topics) {
    this.channel = channel;
    this.keys = keys;
    this.options = options;
    this.topics = topics;
  }

  Future<GroupReset> preview(String topic, String group, ResetPosition to) {
    try {
      Topics.requireValidName("topic", topic);
      Topics.requireValidName("group", group);
      if (to == null) {
        throw new IllegalArgumentException("the position to reset to must not be null");
      }
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return topics.recorded(topic).compose(partitions -> all(topic, group, to, partitions, false, false))
        .compose(parts -> result(topic, group, to, parts));
  }

  Future<GroupReset> reset(String topic, String group, ResetPosition to, boolean force) {
    return preview(topic, group, to).compose(preview -> {
      if (!force && !preview.liveMembers().isEmpty()) {
        return Future.succeededFuture(preview);
      }
      return sequentially(topic, group, to, preview.partitions().size(), force, 0, new ArrayList<>())
          .compose(parts -> result(topic, group, to, parts));
    });
  }

  private Future<List<ResetGroupScript.Reply>> all(String topic, String group, ResetPosition to, int partitions,
                                                   boolean apply, boolean force) {
    List<Future<ResetGroupScript.Reply>> steps = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      steps.add(step(topic, group, to, p, apply, force));
    }
    return Future.all(steps).map(cf -> {
      List<ResetGroupScript.Reply> out = new ArrayList<>();
      steps.forEach(f -> out.add(f.result()));
      return out;
    });
  }

  /** One partition after another: a refusal (a member joined since the preview) stops the rest. */
  private Future<List<ResetGroupScript.Reply>> sequentially(String topic, String group, ResetPosition to,
                                                            int partitions, boolean force, int p,
                                                            List<ResetGroupScript.Reply> done) {
    if (p == partitions) {
      return Future.succeededFuture(done);
    }
    return step(topic, group, to, p, true, force).compose(reply -> {
      done.add(reply);
      if (reply.outcome() == Outcome.CONFLICT) {
        for (int rest = p + 1; rest < partitions; rest++) {
          done.add(null);
        }
        return Future.succeededFuture(done);
      }
      return sequentially(topic, group, to, partitions, force, p + 1, done);
    });
  }

  private Future<ResetGroupScript.Reply> step(String topic, String group, ResetPosition to, int p, boolean apply,
                                              boolean force) {
    String target = switch (to.kind()) {
      case EARLIEST -> "earliest";
      case LATEST -> "latest";
      case TIME -> "time";
      default -> "id";
    };
    return new ResetGroupScript(keys.stream(topic, p), keys.members(topic, p, group), group, target, to.entryId(),
        System.currentTimeMillis(), apply, force, GroupReset.COUNT_CAP)
        .run(channel, System.currentTimeMillis() + options.getPublishTimeoutMs());
  }

  private static Future<GroupReset> result(String topic, String group, ResetPosition to,
                                           List<ResetGroupScript.Reply> replies) {
    List<PartitionReset> parts = new ArrayList<>();
    boolean exists = false;
    boolean applied = true;
    for (int p = 0; p < replies.size(); p++) {
      ResetGroupScript.Reply r = replies.get(p);
      if (r == null) {
        parts.add(new PartitionReset(p, null, null, 0, 0, 0, false, List.of()));
        applied = false;
        continue;
      }
      switch (r.outcome()) {
        case INVALID:
          return Future.failedFuture(new IllegalArgumentException("cannot reset group '" + group + "' of topic '"
              + topic + "' " + to + ": partition " + p + "'s last entry id is " + r.lastGeneratedId()));
        case GONE:
          parts.add(new PartitionReset(p, null, null, 0, 0, 0, false, List.of()));
          break;
        case CONFLICT:
          parts.add(new PartitionReset(p, null, null, 0, 0, 0, false, r.liveMembers()));
          exists = true;
          applied = false;
          break;
        default:
          parts.add(new PartitionReset(p, r.fromId(), r.toId(), r.skipped(), r.replayed(), r.pending(), r.applied(),
              r.liveMembers()));
          exists = true;
          applied &= r.applied();
      }
    }
    if (!exists) {
      return Future.failedFuture(new IllegalArgumentException("group '" + group + "' does not exist on topic '"
          + topic + "'"));
    }
    return Future.succeededFuture(new GroupReset(topic, group, to, applied, parts));
  }
}
