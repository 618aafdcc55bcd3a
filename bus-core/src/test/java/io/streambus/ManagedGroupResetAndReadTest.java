package io.streambus;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tests of {@link GroupResetAndReadTest} (reads without a group, group resets) on ElastiCache node-based with
 * cluster mode on, as {@link ManagedProfile.Cluster} imitates it (TLS only, 3 masters with a replica each, the
 * application user, the restricted commands renamed away).
 */
@Tag("managed")
@ExtendWith(ManagedProfile.Cluster.class)
class ManagedGroupResetAndReadTest extends GroupResetAndReadTest {
}
