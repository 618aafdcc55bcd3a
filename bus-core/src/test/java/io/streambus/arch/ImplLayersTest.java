package io.streambus.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.streambus.impl.consume.DefaultSubscription;
import io.streambus.impl.consume.UnitFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

/**
 * bus-core's architecture, enforced: on the class path (how most users run it) the module-info hides nothing, so
 * these rules are what keeps the layers honest.
 */
class ImplLayersTest {
  /**
   * The consumer units are wired by the subscription and never reach back into it: not into the class, and not into
   * anything nested in it (an interface it declares, a class that implements a unit's interface for it).
   */
  private static final ArchRule UNITS_DO_NOT_REACH_BACK = noClasses()
      .that().resideInAPackage("io.streambus.impl.consume..")
      .and().doNotBelongToAnyOf(DefaultSubscription.class)
      .should().dependOnClassesThat(belongToAnyOf(DefaultSubscription.class));

  /**
   * The consumer units name their collaborators by small interfaces, not by java.util.function types handed around
   * (a field of such a type hides which unit is behind it: "find usages" cannot follow it).
   */
  private static final ArchRule UNITS_HOLD_NO_FUNCTION_FIELDS = noFields()
      .that().areDeclaredInClassesThat().resideInAPackage("io.streambus.impl.consume..")
      .should().haveRawType(resideInAPackage("java.util.function.."));

  private static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.streambus");
  }

  /** Each impl sub-package uses only the ones below it. */
  @Test
  void implSubPackagesUseOnlyTheLayersBelowThem() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("bus").definedBy("io.streambus.impl")
        .layer("publish").definedBy("io.streambus.impl.publish..")
        .layer("consume").definedBy("io.streambus.impl.consume..")
        .layer("request").definedBy("io.streambus.impl.request..")
        .layer("admin").definedBy("io.streambus.impl.admin..")
        .layer("topic").definedBy("io.streambus.impl.topic..")
        .layer("tracing").definedBy("io.streambus.impl.tracing..")
        .layer("wire").definedBy("io.streambus.impl.wire..")
        .layer("metrics").definedBy("io.streambus.impl.metrics..")
        .layer("connection").definedBy("io.streambus.impl.connection..")
        .whereLayer("bus").mayNotBeAccessedByAnyLayer()
        .whereLayer("publish").mayOnlyBeAccessedByLayers("bus")
        .whereLayer("consume").mayOnlyBeAccessedByLayers("bus")
        .whereLayer("request").mayOnlyBeAccessedByLayers("bus")
        .whereLayer("admin").mayOnlyBeAccessedByLayers("bus")
        .whereLayer("topic").mayOnlyBeAccessedByLayers("bus", "publish", "consume", "request", "admin")
        .whereLayer("tracing").mayOnlyBeAccessedByLayers("bus", "publish", "consume")
        .whereLayer("wire").mayOnlyBeAccessedByLayers("bus", "publish", "consume", "request", "admin", "topic",
            "tracing")
        .whereLayer("metrics").mayOnlyBeAccessedByLayers("bus", "publish", "consume", "request", "admin", "topic")
        .whereLayer("connection").mayOnlyBeAccessedByLayers("bus", "publish", "consume", "request", "admin", "topic",
            "wire")
        .check(classes);
  }

  @Test
  void consumerUnitsDoNotDependOnTheSubscriptionThatWiresThem() {
    UNITS_DO_NOT_REACH_BACK.check(classes);
  }

  @Test
  void consumerUnitsHoldNoJavaUtilFunctionFields() {
    UNITS_HOLD_NO_FUNCTION_FIELDS.check(classes);
  }

  /** The two rules above can fail: each finds the unit of the test fixtures that breaks it. */
  @Test
  void theConsumerUnitRulesFindAUnitThatBreaksThem() {
    JavaClasses fixtures = new ClassFileImporter().importClasses(UnitFixtures.ReachesBack.class,
        UnitFixtures.HoldsAFunction.class, DefaultSubscription.class);
    String reachBack = UNITS_DO_NOT_REACH_BACK.evaluate(fixtures).getFailureReport().toString();
    assertTrue(reachBack.contains(UnitFixtures.ReachesBack.class.getName()), reachBack);
    String functions = UNITS_HOLD_NO_FUNCTION_FIELDS.evaluate(fixtures).getFailureReport().toString();
    assertTrue(functions.contains(UnitFixtures.HoldsAFunction.class.getName()), functions);
  }

  /** The public API shows no implementation type and no Redis client type, except the factory's one call. */
  @Test
  void thePublicApiDoesNotExposeTheImplementationOrTheRedisClient() {
    noClasses().that().resideInAnyPackage("io.streambus", "io.streambus.admin")
        .and().doNotHaveSimpleName("StreamBus")
        .should().dependOnClassesThat().resideInAnyPackage("io.streambus.impl..", "io.vertx.redis..")
        .check(classes);
  }

  /**
   * Vert.x's internal API (its modules' own, which vertx-redis-client uses too) only where the bus drives Netty
   * itself: the deadline sweeps of the connection layer run on a context's Netty event loop. Everywhere else, only
   * Vert.x's public API (hence the event-bus hop of traced deliveries instead of {@code ContextInternal.duplicate()}).
   */
  @Test
  void vertxInternalTypesAreUsedOnlyByTheConnectionLayer() {
    noClasses().that().resideOutsideOfPackage("io.streambus.impl.connection..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx.core.internal..", "io.vertx.core.impl..")
        .check(classes);
  }
}
