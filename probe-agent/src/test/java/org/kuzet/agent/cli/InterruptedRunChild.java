package org.kuzet.agent.cli;

import java.util.ArrayList;
import java.util.List;
import org.kuzet.core.testing.Blackhole;
import org.kuzet.core.testing.LoopbackAddresses;

/**
 * Run in a child JVM by {@link RunInterruptIT}: {@code kuzet run --once} over sites that refuse at once and
 * blackholed sites whose connects hang for ten minutes, so the run is still going when the parent stops it.
 */
public final class InterruptedRunChild {
  static final int QUICK = 3;

  private InterruptedRunChild() {}

  public static void main(String[] args) {
    Blackhole hole = Blackhole.open();
    List<String> argv = new ArrayList<>(List.of("run", "--once", "--db", args[0], "--treat-as-public", "127.0.0.0/8",
        "--timeout-connect", "10m", "--timeout-http", "10m", "--parallel", "8",
        "--skip-connectivity-check"));
    for (int i = 0; i < QUICK; i++) {
      argv.add("http://" + LoopbackAddresses.next().getHostAddress() + ":9/"); // nothing listens: refused at once
    }
    argv.add("http://" + hole.address().getAddress().getHostAddress() + ":" + hole.address().getPort() + "/");
    Main.main(argv.toArray(String[]::new));
  }
}
