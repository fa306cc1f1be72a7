package org.kuzet.targets;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Chooses which targets a run measures, in four fixed steps:
 *
 * <ol>
 *   <li>dedupe by normalised URL, keeping the first occurrence (so an earlier, more specific list
 *       wins over a later, generic one when lists are concatenated);
 *   <li>keep only the chosen categories, when a filter is set;
 *   <li>shuffle with the given {@link Random}, when one is set (a seeded Random makes a run
 *       reproducible);
 *   <li>keep the first N, when a limit is set.
 * </ol>
 *
 * Shuffling before limiting is what lets a small limit sample the whole list instead of always
 * measuring its head. Built with {@link #builder()}; the selector is immutable apart from the state
 * of the Random it was given.
 */
public final class TargetSelector {
  private final Set<String> categories; // null: every category
  private final Random random; // null: keep list order
  private final int limit; // 0: no limit

  private TargetSelector(Builder b) {
    this.categories = b.categories;
    this.random = b.random;
    this.limit = b.limit;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The selected targets; {@code targets} is not modified. */
  public List<Target> select(Collection<Target> targets) {
    Map<String, Target> byUrl = new LinkedHashMap<>();
    for (Target t : targets) {
      byUrl.putIfAbsent(t.url(), t);
    }
    List<Target> out = new ArrayList<>(byUrl.size());
    for (Target t : byUrl.values()) {
      if (categories == null || categories.contains(t.categoryCode())) {
        out.add(t);
      }
    }
    if (random != null) {
      Collections.shuffle(out, random);
    }
    if (limit > 0 && out.size() > limit) {
      out = out.subList(0, limit);
    }
    return List.copyOf(out);
  }

  /** The category filter (upper-case codes, sorted); empty when every category is kept. */
  public Optional<Set<String>> categories() {
    return Optional.ofNullable(categories);
  }

  public OptionalInt limit() {
    return limit == 0 ? OptionalInt.empty() : OptionalInt.of(limit);
  }

  public boolean shuffles() {
    return random != null;
  }

  /** Options of a {@link TargetSelector}; each setter checks its argument at once. */
  public static final class Builder {
    private Set<String> categories;
    private Random random;
    private int limit;

    private Builder() {}

    /**
     * Keep only these categories (case-insensitive codes).
     *
     * @throws IllegalArgumentException for an unknown code or an empty set
     */
    public Builder categories(Collection<String> codes) {
      if (codes == null || codes.isEmpty()) {
        throw new IllegalArgumentException("empty category filter: leave it out to keep every category");
      }
      Set<String> set = new TreeSet<>();
      for (String c : codes) {
        String code = c == null ? "" : c.strip().toUpperCase(Locale.ROOT);
        if (!Categories.isKnown(code)) {
          throw new IllegalArgumentException(Categories.unknownCodeMessage(c) + " (in the category filter)");
        }
        set.add(code);
      }
      this.categories = Collections.unmodifiableSet(set);
      return this;
    }

    /** Shuffle with {@code random}; null keeps list order. */
    public Builder shuffle(Random random) {
      this.random = random;
      return this;
    }

    /**
     * Keep at most {@code n} targets.
     *
     * @throws IllegalArgumentException when {@code n < 1}
     */
    public Builder limit(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("limit must be at least 1, got " + n);
      }
      this.limit = n;
      return this;
    }

    /** Drop a limit set earlier. */
    public Builder noLimit() {
      this.limit = 0;
      return this;
    }

    public TargetSelector build() {
      return new TargetSelector(this);
    }
  }
}
