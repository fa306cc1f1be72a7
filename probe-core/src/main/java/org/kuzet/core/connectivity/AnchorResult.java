package org.kuzet.core.connectivity;

import java.util.Objects;

/**
 * What one anchor did in one check.
 *
 * @param failure null when the anchor worked, else a df-007 failure string ("generic_timeout_error" when the
 *     check's overall budget ran out first)
 */
public record AnchorResult(Anchor anchor, String failure) {
  public AnchorResult {
    Objects.requireNonNull(anchor, "anchor");
  }

  public static AnchorResult ok(Anchor anchor) {
    return new AnchorResult(anchor, null);
  }

  public boolean works() {
    return failure == null;
  }
}
