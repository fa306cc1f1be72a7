package org.kuzet.agent.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceLockTest {
  @TempDir Path dir;

  @Test
  void noLockFileMeansNoService() throws Exception {
    assertEquals(java.util.Optional.empty(), InstanceLock.heldBy(dir.resolve("never.db")));
  }

  @Test
  void aSecondServiceOnTheSameDatabaseIsRefusedWithTheHoldersPid() throws Exception {
    Path db = dir.resolve("state/kuzet.db");
    try (InstanceLock first = InstanceLock.acquire(db)) {
      assertEquals(dir.resolve("state/kuzet.db.lock"), first.file());
      String pid = String.valueOf(ProcessHandle.current().pid());
      assertEquals(pid, Files.readString(first.file()).strip());
      assertEquals(java.util.Optional.of(pid), InstanceLock.heldBy(db));
      InstanceLock.AlreadyRunningException e = assertThrows(InstanceLock.AlreadyRunningException.class,
          () -> InstanceLock.acquire(db));
      assertEquals(pid, e.holderPid());
      assertTrue(e.getMessage().contains("another kuzet service (process " + pid + ") is already running on " + db),
          e.getMessage());
      assertTrue(e.getMessage().contains("stop it first"), e.getMessage());
      // Another database is another service.
      try (InstanceLock other = InstanceLock.acquire(dir.resolve("other.db"))) {
        assertTrue(Files.exists(other.file()));
      }
    }
    assertEquals(java.util.Optional.empty(), InstanceLock.heldBy(db), "nobody holds it now");
    // Released on close: the next service starts.
    try (InstanceLock again = InstanceLock.acquire(db)) {
      assertTrue(Files.exists(again.file()));
    }
  }
}
