package org.kuzet.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.config.KuzetConfig.Campaign;
import org.kuzet.agent.config.KuzetConfig.TargetSelection;

class ConfigWriterTest {
  private static final ZoneOffset ALMATY = ZoneOffset.ofHours(5);
  private static final String FILE = """
      # my probe
      [schedule]
      interval = 6h   # keep this comment

      # the March election
      [campaign election]
      start = 2026-03-19T06:00+05:00
      end = 2026-03-20T12:00+05:00
      interval = 15m

      # trailing notes stay
      [store]
      database = k.db
      """;

  @TempDir Path dir;

  private static Campaign protest() {
    return new Campaign("protest", Instant.parse("2026-05-01T03:00:00Z"), Instant.parse("2026-05-02T03:00:00Z"),
        Duration.ofMinutes(10), Duration.ofMinutes(1), new TargetSelection(List.of("kz"), List.of(), List.of("NEWS")));
  }

  @Test
  void addAppendsASectionAndKeepsEveryOtherLine() {
    String after = ConfigWriter.addCampaign(FILE, protest(), ALMATY);
    assertEquals(FILE + "\n" + """
        [campaign protest]
        start = 2026-05-01T08:00+05:00
        end = 2026-05-02T08:00+05:00
        interval = 10m
        jitter = 1m
        lists = kz
        categories = NEWS
        """, after);
    KuzetConfig c = ConfigLoader.parse("k", after, dir);
    assertEquals(protest(), c.campaign("protest").orElseThrow());
  }

  @Test
  void removeTakesTheSectionAndItsCommentButNothingElse() {
    String after = ConfigWriter.removeCampaign(FILE, "election");
    assertEquals("""
        # my probe
        [schedule]
        interval = 6h   # keep this comment

        # trailing notes stay
        [store]
        database = k.db
        """, after);
  }

  @Test
  void addThenRemoveGivesBackTheFile() {
    assertEquals(FILE, ConfigWriter.removeCampaign(ConfigWriter.addCampaign(FILE, protest(), ALMATY), "protest"));
  }

  @Test
  void namesMustBeNewToAddAndKnownToRemove() {
    Campaign dup = new Campaign("election", protest().start(), protest().end(), Duration.ofMinutes(15),
        Duration.ZERO, new TargetSelection(List.of(), List.of(), List.of()));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigWriter.addCampaign(FILE, dup, ALMATY))
        .getMessage().contains("already exists"));
    assertThrows(IllegalArgumentException.class, () -> ConfigWriter.removeCampaign(FILE, "nope"));
  }

  @Test
  void theRewrittenFileKeepsItsPermissions() throws Exception {
    Path file = dir.resolve("kuzet.conf");
    Files.writeString(file, FILE);
    var readable = java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
    Files.setPosixFilePermissions(file, readable);
    ConfigWriter.addCampaign(file, protest(), ALMATY);
    assertEquals(readable, Files.getPosixFilePermissions(file), "the service's user must still read it");
  }

  @Test
  void theFileOnDiskIsRewrittenOnlyWhenTheResultLoads() throws Exception {
    Path file = dir.resolve("kuzet.conf");
    Files.writeString(file, FILE);
    ConfigWriter.addCampaign(file, protest(), ALMATY);
    assertTrue(ConfigLoader.load(file).campaign("protest").isPresent());
    // A file broken elsewhere is not made worse: the edit is refused and the file is left as it was.
    String broken = FILE + "[schedule2]\n";
    Files.writeString(file, broken);
    assertThrows(ConfigException.class, () -> ConfigWriter.removeCampaign(file, "election"));
    assertEquals(broken, Files.readString(file));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }
}
