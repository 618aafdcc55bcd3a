package io.streambus.testsupport;

import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test class whose server flavor ({@link RedisFlavor#fromSystemProperty()}) has no binary on this machine,
 * after a notice on the build's console; only Valkey can be missing. Use it with {@code @ExtendWith} on a class that
 * starts its server in {@code @BeforeAll}: a JUnit assumption there would skip the class too, but Surefire counts that
 * as zero tests run rather than as skipped ones. When Valkey is required ({@link RedisFlavor#valkeyRequired()}), the
 * class runs and fails on the missing binary.
 */
public final class FlavorAvailable implements ExecutionCondition {

    private final Consumer<String> announce;

    public FlavorAvailable() {
        this(RedisFlavor::announceOnce);
    }

    FlavorAvailable(Consumer<String> announce) {
        this.announce = announce;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (RedisFlavor.fromSystemProperty() != RedisFlavor.VALKEY || RedisFlavor.valkeyAvailable()
                || RedisFlavor.valkeyRequired()) {
            return ConditionEvaluationResult.enabled("the server binary is here, or it is required");
        }
        String notice = RedisFlavor.valkeySkipNotice();
        announce.accept(notice);
        return ConditionEvaluationResult.disabled(notice);
    }
}
