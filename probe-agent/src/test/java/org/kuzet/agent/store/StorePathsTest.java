package org.kuzet.agent.store;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where the database lives by default. */
class StorePathsTest {
  @Test
  void defaultPathsFollowEachOsConvention() {
    Path home = Path.of("/home/v");
    assertEquals(Path.of("/xdg/kuzet/kuzet.db"),
        StorePaths.defaultDatabase("Linux", Map.of("XDG_DATA_HOME", "/xdg"), home));
    assertEquals(Path.of("/home/v/.local/share/kuzet/kuzet.db"), StorePaths.defaultDatabase("Linux", Map.of(), home));
    assertEquals(Path.of("/home/v/.local/share/kuzet/kuzet.db"),
        StorePaths.defaultDatabase("Linux", Map.of("XDG_DATA_HOME", "relative"), home), "relative XDG is ignored");
    assertEquals(Path.of("/home/v/Library/Application Support/kuzet/kuzet.db"),
        StorePaths.defaultDatabase("Mac OS X", Map.of(), home));
    assertEquals(Path.of("/home/v/AppData/Local/kuzet/kuzet.db"),
        StorePaths.defaultDatabase("Windows 11", Map.of(), home));
  }
}
