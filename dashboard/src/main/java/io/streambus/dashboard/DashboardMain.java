package io.streambus.dashboard;

import io.streambus.app.AppRunner;

import java.util.Map;

/**
 * {@code java -jar streambus-dashboard.jar [--config file]}: runs a {@link DashboardApp} through {@link AppRunner},
 * as the producers and consumers jars run theirs: the same settings and file ({@link DashboardConfig}), the older
 * {@code DASHBOARD_*} names read as {@link DashboardConfig#ALIASES}; an invalid setting exits with 2 and a message
 * naming it, a failure to start with 1; SIGTERM stops it.
 */
public final class DashboardMain {
  private DashboardMain() {
  }

  public static void main(String[] args) {
    AppRunner.main("streambus-dashboard", args, Map.of(), DashboardConfig.ALIASES, DashboardApp::new);
  }
}
