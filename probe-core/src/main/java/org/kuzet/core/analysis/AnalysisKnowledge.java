package org.kuzet.core.analysis;

import java.util.Objects;

/**
 * What the analysis knows beyond the measurement: the known interception roots and the blockpage fingerprints.
 * Load once ({@link #bundled()} is cached) and share; immutable.
 */
public record AnalysisKnowledge(InterceptionRoots interceptionRoots, Fingerprints blockpages) {
  public AnalysisKnowledge {
    Objects.requireNonNull(interceptionRoots, "interceptionRoots");
    Objects.requireNonNull(blockpages, "blockpages");
  }

  /** The knowledge bundled in the jar (see SOURCE.md beside the resources). */
  public static AnalysisKnowledge bundled() {
    return Bundled.INSTANCE;
  }

  private static final class Bundled {
    static final AnalysisKnowledge INSTANCE = new AnalysisKnowledge(InterceptionRoots.bundled(),
        Fingerprints.bundled());
  }
}
