package org.kuzet.backend.collector;

import java.nio.file.Path;

/**
 * A collector with its default limits in a JVM of its own (started by {@link CollectorMemoryIT} with a small
 * heap): prints its port, runs until its standard input closes.
 */
public final class CollectorProcess {
  private CollectorProcess() {}

  public static void main(String[] args) throws Exception {
    try (SqliteCollectorStore store = SqliteCollectorStore.open(Path.of(args[0]));
         CollectorServer server = CollectorServer.builder(store).start()) {
      System.out.println("PORT " + server.address().getPort() + " JSON " + server.maxJsonBytes());
      System.out.flush();
      while (System.in.read() != -1) {
        // wait for the test to close our input
      }
    }
  }
}
