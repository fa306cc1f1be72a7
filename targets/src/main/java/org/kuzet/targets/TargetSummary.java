package org.kuzet.targets;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How many targets there are per category, for a person deciding what a run will cover.
 *
 * @param countsByCategory targets per category code, sorted by code; categories with no target are
 *     absent
 * @param total number of targets
 */
public record TargetSummary(SortedMap<String, Integer> countsByCategory, int total) {
  public TargetSummary {
    countsByCategory = Collections.unmodifiableSortedMap(new TreeMap<>(countsByCategory));
    int sum = 0;
    for (Map.Entry<String, Integer> e : countsByCategory.entrySet()) {
      if (e.getValue() == null || e.getValue() < 1) {
        throw new IllegalArgumentException("count of " + e.getKey() + " must be at least 1");
      }
      sum += e.getValue();
    }
    if (sum != total) {
      throw new IllegalArgumentException("total " + total + " differs from the sum of the counts, " + sum);
    }
  }

  /** Counts {@code targets} as given; dedupe first (see {@link TargetSelector}) to count URLs. */
  public static TargetSummary of(Collection<Target> targets) {
    SortedMap<String, Integer> counts = new TreeMap<>();
    for (Target t : targets) {
      counts.merge(t.categoryCode(), 1, Integer::sum);
    }
    return new TargetSummary(counts, targets.size());
  }

  /**
   * One line per category, then the total, aligned for a terminal:
   *
   * <pre>
   * ANON     73  Anonymization and circumvention tools
   * NEWS     20  News Media
   * total    93
   * </pre>
   */
  public List<String> lines() {
    List<String> out = new ArrayList<>(countsByCategory.size() + 1);
    for (Map.Entry<String, Integer> e : countsByCategory.entrySet()) {
      String name = Categories.isKnown(e.getKey()) ? Categories.describe(e.getKey()) : "";
      out.add(String.format("%-5s %6d  %s", e.getKey(), e.getValue(), name).stripTrailing());
    }
    out.add(String.format("%-5s %6d", "total", total));
    return out;
  }
}
