package org.kuzet.targets;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A target list was rejected. The message names every problem, one per line, as {@code
 * file:line: message}, so a person can fix them all in one go instead of one per run.
 */
public final class TargetListException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  public TargetListException(List<Problem> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in line order; never empty. */
  public List<Problem> problems() {
    return problems;
  }

  private static String render(List<Problem> problems) {
    if (problems == null || problems.isEmpty()) {
      throw new IllegalArgumentException("a TargetListException needs at least one problem");
    }
    return problems.stream().map(Problem::toString).collect(Collectors.joining("\n"));
  }
}
