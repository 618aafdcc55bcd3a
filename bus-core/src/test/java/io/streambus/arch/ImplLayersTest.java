package io.streambus.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.streambus.impl.consume.DefaultSubscription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

/**
 * bus-core's architecture, enforced: on the class path (how most users run it) the module-info hides nothing, so
 * these rules are what keeps the layers honest.
 */
class ImplLayersTest {
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
        .layer("admin").definedBy("io.streambus.impl.admin..")
        .layer("topic").definedBy("io.streambus.impl.topic..")
        .layer("tracing").definedBy("io.streambus.impl.tracing..")
        .layer("wire").definedBy("io.streambus.impl.wire..")
        .layer("metrics").definedBy("io.streambus.impl.metrics..")
        .layer("connection").definedBy("io.streambus.impl.connection..")
        .whereLayer("bus").mayNotBeAccessedByAnyLayer()
        .whereLayer("publish").mayOnlyBeAccessedByLayers("bus")
        .whereLayer("consume").mayOnlyBeAccessedByLayers("bus")
        .whereLayer("admin").mayOnlyBeAccessedByLayers("bus")
        .whereLayer("topic").mayOnlyBeAccessedByLayers("bus", "publish", "consume", "admin")
        .whereLayer("tracing").mayOnlyBeAccessedByLayers("bus", "publish", "consume")
        .whereLayer("wire").mayOnlyBeAccessedByLayers("bus", "publish", "consume", "admin", "topic", "tracing")
        .whereLayer("metrics").mayOnlyBeAccessedByLayers("bus", "publish", "consume", "admin", "topic")
        .whereLayer("connection").mayOnlyBeAccessedByLayers("bus", "publish", "consume", "admin", "topic", "wire")
        .check(classes);
  }

  /** The consumer units are wired by the subscription and never reach back into it. */
  @Test
  void consumerUnitsDoNotDependOnTheSubscriptionThatWiresThem() {
    noClasses().that().resideInAPackage("io.streambus.impl.consume..")
        .and().doNotBelongToAnyOf(DefaultSubscription.class)
        .should().dependOnClassesThat().haveSimpleName("DefaultSubscription")
        .check(classes);
  }

  /** The public API shows no implementation type and no Redis client type, except the factory's one call. */
  @Test
  void thePublicApiDoesNotExposeTheImplementationOrTheRedisClient() {
    noClasses().that().resideInAPackage("io.streambus")
        .and().doNotHaveSimpleName("StreamBus")
        .should().dependOnClassesThat().resideInAnyPackage("io.streambus.impl..", "io.vertx.redis..")
        .check(classes);
  }
}
