package org.kuzet.core.testing;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The threads and sockets of one fake server, so that {@code close()} really stops it: every socket is closed
 * (which unblocks accept/read/receive), then every thread is joined. A test that closes its servers leaves no
 * harness thread behind for the next test to trip over. All threads are daemons, so a forgotten server cannot
 * keep the JVM alive either.
 */
final class Workers implements Closeable {
  /** Every harness thread's name starts with this; tests check none survive a close. */
  static final String THREAD_PREFIX = "kuzet-harness ";
  // A bound on a hung close, not a speed requirement: threads end as soon as their sockets close.
  private static final long JOIN_MILLIS = 20_000;

  private final String owner;
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final Set<Closeable> resources = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  Workers(String owner) {
    this.owner = owner;
  }

  boolean closed() {
    return closed;
  }

  /** Runs {@code task} on a new daemon thread, unless the server is already closed. */
  synchronized void start(String what, Runnable task) {
    if (closed) {
      return;
    }
    // Finished threads are pruned here rather than removing themselves: a thread that removed itself could
    // still be alive when close() takes its snapshot, and would then escape the join.
    threads.removeIf(t -> !t.isAlive());
    Thread thread = new Thread(task, THREAD_PREFIX + owner + " " + what);
    thread.setDaemon(true);
    threads.add(thread);
    thread.start();
  }

  /** Closes {@code resource} when the server closes; closes it at once if the server already has. */
  synchronized <T extends Closeable> T track(T resource) {
    resources.add(resource);
    if (closed) {
      closeQuietly(resource);
    }
    return resource;
  }

  void untrack(Closeable resource) {
    resources.remove(resource);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true; // from here on start() starts nothing and track() closes at once
    }
    for (Closeable resource : List.copyOf(resources)) {
      closeQuietly(resource);
    }
    resources.clear();
    long deadline = System.currentTimeMillis() + JOIN_MILLIS;
    for (Thread thread : List.copyOf(threads)) {
      thread.interrupt();
      try {
        thread.join(Math.max(1, deadline - System.currentTimeMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (thread.isAlive()) {
        throw new IllegalStateException(thread.getName() + " did not stop within " + JOIN_MILLIS + " ms");
      }
    }
  }

  static void closeQuietly(Closeable resource) {
    if (resource == null) {
      return;
    }
    try {
      resource.close();
    } catch (IOException | RuntimeException ignored) {
      // closing is best effort: the peer may already have torn the connection down
    }
  }

  /** Names of harness threads still running anywhere in the JVM; empty once every server is closed. */
  static List<String> liveThreads() {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith(THREAD_PREFIX)) {
        names.add(t.getName());
      }
    }
    return names;
  }
}
