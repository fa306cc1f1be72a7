package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.Trigger;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.Measurement;

/**
 * Output that cannot be written (a full disk, /dev/full) fails the command with exit 1 and a message naming where
 * the output was going; it never exits 0 having written part of it.
 */
class OutputFailureTest {
  private static final Path DEV_FULL = Path.of("/dev/full");

  @TempDir Path dir;

  private Path db;
  private String uid;

  @BeforeEach
  void fill() {
    db = dir.resolve("kuzet.db");
    uid = fill(db);
  }

  /** 50 blocked measurements in a new database at {@code db} (also {@link OutputFailureIT}'s); the last one's uid. */
  static String fill(Path db) {
    String uid = null;
    try (ResultsStore store = ResultsStore.open(db)) {
      long run = store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", NetworkState.ONLINE,
          Instant.parse("2026-11-01T10:00:00Z"));
      for (int i = 0; i < 50; i++) {
        Measurement m = TestMeasurements.blocked("https://site" + i + ".kz/",
            Instant.parse("2026-11-01T10:00:00Z").plusSeconds(i));
        store.measurements().save(run, m.input(), "kz", "NEWS", m);
        uid = m.measurementUid();
      }
    }
    return uid;
  }

  /** A disk that takes {@code room} bytes, then answers every write with ENOSPC's message. */
  private static final class FullDisk extends OutputStream {
    private long room;

    FullDisk(long room) {
      this.room = room;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > room) {
        throw new IOException("No space left on device");
      }
      room -= len;
    }
  }

  private record Outcome(int exit, String err) {}

  private Outcome withStdout(PrintWriter stdout, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--db", db.toString()));
    StringWriter err = new StringWriter();
    int exit = Main.run(all.toArray(String[]::new), stdout, new PrintWriter(err, true));
    return new Outcome(exit, err.toString());
  }

  @Test
  void everyCommandWritingToAFullStandardOutputFailsAndSaysSo() {
    List<List<String>> commands = List.of(List.of("export"), List.of("export", "--format", "csv"),
        List.of("export", "--format", "ooni"), List.of("results"), List.of("query", "SELECT * FROM measurements"),
        List.of("show", uid), List.of("show", uid, "--json"), List.of("status"));
    for (List<String> command : commands) {
      // Nothing written; a first buffer written, then the disk fills; for exports, well into the output.
      for (long room : command.get(0).equals("export") ? new long[] {0, 100, 5000} : new long[] {0, 100}) {
        Outcome o = withStdout(CheckedOutput.printWriter(new FullDisk(room), CheckedOutput.STDOUT),
            command.toArray(String[]::new));
        assertEquals(Main.EXIT_FAILED, o.exit(), command + " with " + room + " bytes free: " + o.err());
        assertTrue(o.err().contains("cannot write to standard output: No space left on device"),
            command + ": " + o.err());
        assertFalse(o.err().contains("Exception"), "no Java class name: " + o.err());
        assertEquals(1, o.err().lines().filter(l -> l.contains("cannot write")).count(), "said once: " + o.err());
      }
    }
  }

  @Test
  void targetsToAFullStandardOutputFails() {
    StringWriter err = new StringWriter();
    int exit = Main.run(new String[] {"targets", "--list", "kz"},
        CheckedOutput.printWriter(new FullDisk(10), CheckedOutput.STDOUT), new PrintWriter(err, true));
    assertEquals(Main.EXIT_FAILED, exit, err.toString());
    assertTrue(err.toString().contains("kuzet targets: cannot write to standard output"), err.toString());
  }

  @Test
  void aPrintWriterThatSwallowsTheErrorStillFailsTheCommand() {
    // A caller's own PrintWriter (as Main.run's API allows) only remembers the error: it is checked at the end.
    Outcome o = withStdout(new PrintWriter(new java.io.OutputStreamWriter(new FullDisk(0), StandardCharsets.UTF_8),
        true), "export");
    assertEquals(Main.EXIT_FAILED, o.exit(), o.err());
    assertTrue(o.err().contains("cannot write to standard output"), o.err());
  }

  @Test
  void exportAndReportToDevFullFailNamingTheFileAndLeaveTheDeviceAlone() throws IOException {
    assumeTrue(Files.exists(DEV_FULL) && !Files.isRegularFile(DEV_FULL), "needs Linux's /dev/full");
    for (List<String> command : List.of(List.of("export", "--output", DEV_FULL.toString()),
        List.of("export", "--format", "csv", "--output", DEV_FULL.toString()),
        List.of("report", "--html", DEV_FULL.toString()))) {
      Outcome o = withStdout(new PrintWriter(new StringWriter(), true), command.toArray(String[]::new));
      assertEquals(Main.EXIT_FAILED, o.exit(), command + ": " + o.err());
      assertTrue(o.err().contains("cannot write to /dev/full: No space left on device"), command + ": " + o.err());
      assertFalse(o.err().contains("exported"), "no claim of success: " + o.err());
      assertFalse(o.err().contains("written to"), "no claim of success: " + o.err());
      // A device is written in place, never replaced by a file moved over it.
      assertFalse(Files.isRegularFile(DEV_FULL), "/dev/full was replaced by a regular file");
      assertFalse(Files.exists(Path.of("/dev/full.partial")), "no partial file left in /dev");
    }
  }

  @Test
  void aFailedExportLeavesThePreviousFileAsItWas() throws IOException {
    Path out = dir.resolve("export.jsonl");
    Files.writeString(out, "the previous export\n");
    // The store cannot be read (damaged between the check and the export): the partial file is not moved over.
    CheckedOutput.Failed failed = org.junit.jupiter.api.Assertions.assertThrows(CheckedOutput.Failed.class,
        () -> CheckedOutput.writeFile(out, w -> {
          w.write("half of a line");
          throw new IOException("No space left on device");
        }));
    assertTrue(failed.getMessage().contains("cannot write to " + out), failed.getMessage());
    assertEquals("the previous export\n", Files.readString(out));
    assertFalse(Files.exists(dir.resolve("export.jsonl.partial")));
  }

  @Test
  void exportToAFileStillWritesEverything() throws IOException {
    Path out = dir.resolve("export.jsonl");
    Outcome o = withStdout(new PrintWriter(new StringWriter(), true), "export", "--output", out.toString());
    assertEquals(0, o.exit(), o.err());
    assertEquals(50, Files.readAllLines(out).size());
    assertTrue(o.err().contains("exported 50 measurement(s)"), o.err());
  }
}
