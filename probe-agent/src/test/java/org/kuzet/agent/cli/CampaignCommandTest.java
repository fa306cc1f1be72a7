package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.config.ConfigLoader;
import org.kuzet.agent.config.KuzetConfig;

/** {@code kuzet campaign add|list|remove} on a real file; dates are far in the future so nothing depends on today. */
class CampaignCommandTest {
  private static final String FILE = "# volunteer's notes\n[schedule]\ninterval = 6h  # as agreed\n";

  @TempDir Path dir;
  private Path conf;

  @BeforeEach
  void file() throws Exception {
    conf = dir.resolve("kuzet.conf");
    Files.writeString(conf, FILE);
  }

  private CliRun kuzet(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--config";
    all[args.length + 1] = conf.toString();
    return CliRun.of(all);
  }

  @Test
  void addListRemove() throws Exception {
    CliRun add = kuzet("campaign", "add", "election-2099", "--start", "2099-03-19T06:00+05:00",
        "--end", "2099-03-20T12:00+05:00", "--every", "15m", "--list", "kz", "--category", "news,polr");
    assertEquals(0, add.exit(), add.err());
    assertTrue(add.out().contains("added campaign election-2099"), add.out());
    String text = Files.readString(conf);
    assertTrue(text.startsWith(FILE), "the rest of the file is kept as written:\n" + text);
    assertTrue(text.contains("start = 2099-03-19T06:00+05:00\n"), "times keep the offset they were given in");
    KuzetConfig c = ConfigLoader.load(conf);
    assertEquals(Duration.ofMinutes(15), c.campaign("election-2099").orElseThrow().interval());
    assertEquals(Duration.ofSeconds(90), c.campaign("election-2099").orElseThrow().jitter());

    CliRun list = kuzet("campaign", "list");
    assertEquals(0, list.exit(), list.err());
    assertTrue(list.out().contains("election-2099  upcoming  2099-03-19T01:00:00Z"), list.out());
    assertTrue(list.out().contains("kz NEWS,POLR"), list.out());

    CliRun remove = kuzet("campaign", "remove", "election-2099");
    assertEquals(0, remove.exit(), remove.err());
    assertEquals(FILE, Files.readString(conf));
    assertTrue(kuzet("campaign", "list").out().contains("no campaigns"));
  }

  @Test
  void badInputIsAOneLineErrorAndTheFileIsUntouched() throws Exception {
    CliRun badTime = kuzet("campaign", "add", "e", "--start", "2099-03-19 06:00", "--end", "2099-03-20T00:00Z",
        "--every", "15m");
    assertEquals(2, badTime.exit());
    assertTrue(badTime.err().contains("--start: '2099-03-19 06:00' is not an ISO-8601 time with an offset"),
        badTime.err());
    CliRun past = kuzet("campaign", "add", "e", "--start", "2001-01-01T00:00Z", "--end", "2001-01-02T00:00Z",
        "--every", "15m");
    assertEquals(2, past.exit());
    assertTrue(past.err().contains("is in the past"), past.err());
    CliRun backwards = kuzet("campaign", "add", "e", "--start", "2099-01-02T00:00Z", "--end", "2099-01-01T00:00Z",
        "--every", "15m");
    assertEquals(2, backwards.exit());
    assertTrue(backwards.err().contains("before it starts"), backwards.err());
    CliRun badName = kuzet("campaign", "add", "My Campaign", "--start", "2099-01-01T00:00Z",
        "--end", "2099-01-02T00:00Z", "--every", "15m");
    assertEquals(2, badName.exit());
    assertTrue(badName.err().contains("lower-case letters"), badName.err());
    CliRun unknown = kuzet("campaign", "remove", "nope");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("no campaign named 'nope'"), unknown.err());
    assertEquals(FILE, Files.readString(conf));
  }

  @Test
  void aBrokenFileIsReportedWithItsLineAndNotEdited() throws Exception {
    Files.writeString(conf, FILE + "jiter = 5m\n");
    CliRun add = kuzet("campaign", "add", "e", "--start", "2099-01-01T00:00Z", "--end", "2099-01-02T00:00Z",
        "--every", "15m");
    assertEquals(2, add.exit());
    assertTrue(add.err().contains("kuzet.conf:4: [schedule] jiter: unknown key"), add.err());
    assertEquals(FILE + "jiter = 5m\n", Files.readString(conf));
  }

  /** A campaign whose list file cannot be read is refused when it is added, not discovered run after run. */
  @Test
  void aCampaignWithAListFileThatCannotBeUsedIsRefusedAndNothingWritten() throws Exception {
    Path empty = dir.resolve("empty.csv");
    Files.writeString(empty, "# to be filled\n");
    for (Path bad : new Path[] {dir.resolve("nope.csv"), dir, empty}) {
      CliRun add = kuzet("campaign", "add", "vote-2099", "--start", "2099-03-19T06:00+05:00",
          "--end", "2099-03-20T12:00+05:00", "--every", "15m", "--targets", bad.toString());
      assertEquals(Main.EXIT_USAGE, add.exit(), add.out() + add.err());
      assertTrue(add.err().contains("--targets " + bad + ": "), add.err());
      assertTrue(add.err().contains("give an existing"), add.err());
      assertTrue(!add.err().contains("Exception"), add.err());
      assertEquals(FILE, Files.readString(conf), "the config file was changed");
    }
    Path good = dir.resolve("vote.txt");
    Files.writeString(good, "https://vote.kz/\n");
    CliRun add = kuzet("campaign", "add", "vote-2099", "--start", "2099-03-19T06:00+05:00",
        "--end", "2099-03-20T12:00+05:00", "--every", "15m", "--targets", good.toString());
    assertEquals(0, add.exit(), add.err());
  }
}
