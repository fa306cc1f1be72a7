package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What every command line gets: unknown commands and arguments, help, exit codes. */
class MainTest {

  @Test
  void anUnknownCommandSaysSoAndExits2() {
    CliRun run = CliRun.of("frobnicate");
    assertEquals(2, run.exit(), run.err());
    assertEquals("kuzet: unknown command 'frobnicate' (see 'kuzet --help')", run.err().strip());
  }

  @Test
  void anUnknownCommandWithHelpIsStillUnknown() {
    for (String help : new String[] {"--help", "-h"}) {
      CliRun run = CliRun.of("frobnicate", help);
      assertEquals(2, run.exit(), run.out());
      assertEquals("kuzet: unknown command 'frobnicate' (see 'kuzet --help')", run.err().strip());
      assertEquals("", run.out(), "no top-level help printed as if it were an answer");
    }
  }

  @Test
  void anUnknownArgumentToAKnownCommandWithHelpIsRefused() {
    CliRun run = CliRun.of("status", "extra", "--help");
    assertEquals(2, run.exit(), run.out());
    assertTrue(run.err().startsWith("kuzet status: Unmatched argument at index 1: 'extra'"), run.err());
  }

  @Test
  void helpOfAKnownCommandIsStillHelp() {
    CliRun run = CliRun.of("status", "--help");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("Usage: kuzet status"), run.out());
    CliRun top = CliRun.of("--help");
    assertEquals(0, top.exit(), top.err());
    assertTrue(top.out().contains("Usage: kuzet"), top.out());
  }
}
