package org.kuzet.core;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Waiting for an event in a test: generous, so a loaded machine never fails it; false only if it never came. */
final class Latches {
  static final long PATIENCE_SECONDS = 20;

  private Latches() {}

  static boolean await(CountDownLatch latch) {
    try {
      return latch.await(PATIENCE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
