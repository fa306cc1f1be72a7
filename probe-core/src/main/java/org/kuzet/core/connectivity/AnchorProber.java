package org.kuzet.core.connectivity;

/**
 * Reaches one anchor. {@link StepAnchorProber} is the real one, built on the measurement steps; tests may
 * substitute their own. Implementations are thread-safe (anchors are probed in parallel) and never throw:
 * a network failure is a result.
 */
@FunctionalInterface
public interface AnchorProber {
  AnchorResult probe(Anchor anchor);
}
