package org.kuzet.targets;

/**
 * How strictly {@link TargetListLoader} treats bad lines. Immutable; change a setting with the
 * method of the same name, which returns a copy.
 *
 * <pre>{@code LoadOptions.defaults().skipInvalid(true)}</pre>
 */
public final class LoadOptions {
  private static final LoadOptions DEFAULTS = new LoadOptions(false);

  private final boolean skipInvalid;

  private LoadOptions(boolean skipInvalid) {
    this.skipInvalid = skipInvalid;
  }

  /** Strict: any bad line rejects the whole list. */
  public static LoadOptions defaults() {
    return DEFAULTS;
  }

  /**
   * A copy that, when {@code skip} is true, drops bad lines and reports each as a warning instead of
   * rejecting the list. A list left with no targets is still rejected.
   */
  public LoadOptions skipInvalid(boolean skip) {
    return skip == skipInvalid ? this : new LoadOptions(skip);
  }

  public boolean skipInvalid() {
    return skipInvalid;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LoadOptions other && other.skipInvalid == skipInvalid;
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(skipInvalid);
  }

  @Override
  public String toString() {
    return "LoadOptions{skipInvalid=" + skipInvalid + "}";
  }
}
