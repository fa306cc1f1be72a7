package org.kuzet.targets;

import java.util.List;
import java.util.Objects;

/**
 * What {@link TargetListLoader} read.
 *
 * @param format the format detected from the header
 * @param targets the valid entries in file order, duplicates included (see {@link TargetSelector});
 *     never empty
 * @param warnings the lines skipped under {@link LoadOptions#skipInvalid()}; empty otherwise
 */
public record LoadResult(ListFormat format, List<Target> targets, List<Problem> warnings) {
  public LoadResult {
    Objects.requireNonNull(format, "format");
    targets = List.copyOf(targets);
    warnings = List.copyOf(warnings);
  }
}
