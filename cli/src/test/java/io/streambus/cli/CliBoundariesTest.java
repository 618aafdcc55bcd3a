package io.streambus.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/** The command line, like every app, uses bus-core's public API only (demo's ModuleBoundariesTest does not see it). */
class CliBoundariesTest {

  @Test
  void theCommandLineUsesOnlyBusCoresPublicApi() {
    JavaClasses cli = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.streambus.cli");
    assertThat(cli.size()).isGreaterThan(10);
    noClasses().should().dependOnClassesThat().resideInAnyPackage("io.streambus.impl..", "io.vertx.redis..")
        .because("only bus-core speaks Redis; key names, the entry format and the scripts live there alone")
        .check(cli);
  }
}
