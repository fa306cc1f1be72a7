package org.kuzet.agent.store;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe's own settings. */
class SettingsTest {
  @TempDir Path dir;

  private Path db() {
    return dir.resolve("data/kuzet/kuzet.db");
  }

  @Test
  void settingsPersist() {
    try (ResultsStore store = ResultsStore.open(db())) {
      assertTrue(store.settings().setting("probe_id").isEmpty());
      store.settings().putSetting("probe_id", "a");
      store.settings().putSetting("probe_id", "b");
    }
    try (ResultsStore store = ResultsStore.open(db())) {
      assertEquals("b", store.settings().setting("probe_id").orElseThrow());
    }
  }
}
