package org.kuzet.agent.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.schema.upload.ProbeKey;

class ProbeKeyFileTest {
  @TempDir Path dir;

  @Test
  void createdOnceWithOwnerOnlyPermissionsAndReloadedUnchanged() throws IOException {
    Path file = dir.resolve("state").resolve("probe-key");
    ProbeKey first = ProbeKeyFile.loadOrCreate(file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    ProbeKey again = ProbeKeyFile.loadOrCreate(file);
    assertEquals(first.keyId(), again.keyId());
    try (var files = Files.list(file.getParent())) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void looseningPermissionsIsRepairedOnLoad() throws IOException {
    Path file = dir.resolve("probe-key");
    ProbeKeyFile.loadOrCreate(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    ProbeKeyFile.loadOrCreate(file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void aFileThatIsNotAKeyIsNeverOverwritten() throws IOException {
    Path file = dir.resolve("probe-key");
    Files.writeString(file, "hello, this is my diary\n");
    IOException e = assertThrows(IOException.class, () -> ProbeKeyFile.loadOrCreate(file));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a kuzet probe key"),
        e.getMessage());
    assertEquals("hello, this is my diary\n", Files.readString(file));
  }
}
