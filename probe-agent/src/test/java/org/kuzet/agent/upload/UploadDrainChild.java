package org.kuzet.agent.upload;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.schema.upload.ProbeKey;

/**
 * Child JVM of {@link UploadMemoryBoundIT}: drains the results database {@code args[0]} to the collector
 * {@code args[1]} and prints "uploaded remaining". Run with a small heap: an out-of-memory error ends it non-zero.
 */
public final class UploadDrainChild {
  private UploadDrainChild() {}

  public static void main(String[] args) {
    try (ResultsStore store = ResultsStore.open(Path.of(args[0]));
        Uploader uploader = Uploader.builder(URI.create(args[1]), ProbeKey.generate(new SecureRandom())).build()) {
      Uploader.Result r = uploader.drain(store.uploadQueue());
      System.out.println(r.uploaded() + " " + r.remaining());
    }
  }
}
