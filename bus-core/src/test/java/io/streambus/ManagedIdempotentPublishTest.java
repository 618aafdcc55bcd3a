package io.streambus;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tests of {@link IdempotentPublishContract} (idempotent publish) on ElastiCache node-based with cluster mode on,
 * as {@link ManagedProfile.Cluster} imitates it (TLS only, 3 masters with a replica each, the application user, the
 * restricted commands renamed away).
 */
@Tag("managed")
@ExtendWith(ManagedProfile.Cluster.class)
class ManagedIdempotentPublishTest extends IdempotentPublishContract {
}
