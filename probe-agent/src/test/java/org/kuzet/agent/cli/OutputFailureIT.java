package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OutputFailureTest}'s case that needs a JVM of its own: the real process exits 1 on a full stdout. */
class OutputFailureIT {
  private static final Path DEV_FULL = Path.of("/dev/full");

  @TempDir Path dir;

  private Path db;

  @BeforeEach
  void fill() {
    db = dir.resolve("kuzet.db");
    OutputFailureTest.fill(db);
  }

  @Test
  void aChildProcessWithStdoutOnDevFullExitsOne() throws Exception {
    assumeTrue(Files.exists(DEV_FULL) && !Files.isRegularFile(DEV_FULL), "needs Linux's /dev/full");
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    for (String command : List.of("export", "results")) {
      Path err = dir.resolve(command + ".err");
      Process child = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
          Main.class.getName(), command, "--db", db.toString())
          .redirectOutput(DEV_FULL.toFile())
          .redirectError(err.toFile())
          .start();
      assertTrue(child.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the child did not end");
      String stderr = Files.readString(err);
      assertEquals(Main.EXIT_FAILED, child.exitValue(), stderr);
      assertTrue(stderr.contains("kuzet " + command + ": cannot write to standard output: No space left on device"),
          stderr);
    }
  }
}
