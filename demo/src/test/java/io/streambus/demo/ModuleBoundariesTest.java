package io.streambus.demo;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only bus-core speaks Redis: the apps (app-support, producers, consumers, dashboard, demo: all on this module's
 * class path) use its public API, never its implementation or vertx-redis-client. The benchmark's plain-loop subject
 * uses the Redis client on purpose (it is the baseline) and is not on this class path.
 */
class ModuleBoundariesTest {

  @Test
  void theAppsUseOnlyBusCoresPublicApi() {
    JavaClasses apps = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.streambus.app", "io.streambus.producers", "io.streambus.consumers",
            "io.streambus.dashboard", "io.streambus.demo");
    // an empty import would make the rule pass vacuously
    assertThat(apps.stream().map(c -> c.getPackageName().split("\\.")[2]).distinct())
        .contains("app", "producers", "consumers", "dashboard", "demo");
    noClasses().should().dependOnClassesThat().resideInAnyPackage("io.streambus.impl..", "io.vertx.redis..")
        .because("only bus-core speaks Redis; key names, the entry format and the scripts live there alone")
        .check(apps);
  }
}
