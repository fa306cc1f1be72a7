package org.kuzet.agent.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.kuzet.targets.LoadOptions;
import org.kuzet.targets.LoadResult;
import org.kuzet.targets.Problem;
import org.kuzet.targets.TargetListException;
import org.kuzet.targets.TargetListLoader;
import org.kuzet.targets.Utf8Text;

/**
 * A target list file as the service reads it (bad lines skipped, a list with no valid target refused), with one
 * answer for every place that must know whether it can be used: the config loader (so a missing file is a config
 * error, file and line named), {@code kuzet campaign add --targets}, and each run (a file that vanished or broke
 * since is a failed run with its reason, not an exception).
 */
public final class TargetFiles {
  private TargetFiles() {}

  /** Why a list file cannot be used: a closed set, so it can label a metric. */
  public enum Problem {
    MISSING,
    UNREADABLE,
    INVALID;

    /** The metric label: {@code target_list_missing}, … */
    public String label() {
      return "target_list_" + name().toLowerCase(Locale.ROOT);
    }
  }

  /** A list file that cannot be used; {@link #getMessage} says what is wrong in words, without the path. */
  public static final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;
    private final Path file;
    private final Problem problem;

    Unusable(Path file, Problem problem, String detail) {
      super(detail);
      this.file = file;
      this.problem = problem;
    }

    public Path file() {
      return file;
    }

    public Problem problem() {
      return problem;
    }

    /** "target list FILE: what is wrong". */
    public String describe() {
      return "target list " + file + ": " + getMessage();
    }
  }

  /** What to write instead, for messages about a list file. */
  public static final String HINT = "give an existing, readable list file (kuzet CSV, Citizen Lab CSV or one URL per"
      + " line, UTF-8)";

  /** Loads {@code file} as the service does: bad lines are skipped (returned as warnings). */
  public static LoadResult load(Path file) throws Unusable {
    if (!Files.exists(file)) {
      throw new Unusable(file, Problem.MISSING, "no such file");
    }
    if (!Files.isRegularFile(file)) {
      throw new Unusable(file, Problem.UNREADABLE, Files.isDirectory(file) ? "is a directory, not a list file"
          : "not a regular file");
    }
    try {
      return TargetListLoader.load(file, LoadOptions.defaults().skipInvalid(true));
    } catch (NoSuchFileException e) {
      throw new Unusable(file, Problem.MISSING, "no such file");
    } catch (AccessDeniedException e) {
      throw new Unusable(file, Problem.UNREADABLE, "permission denied");
    } catch (Utf8Text.NotUtf8Exception e) {
      throw new Unusable(file, Problem.INVALID, "line " + e.line() + ": " + e.detail());
    } catch (IOException e) {
      throw new Unusable(file, Problem.UNREADABLE, "cannot be read (" + (e.getMessage() == null ? "I/O error"
          : e.getMessage()) + ")");
    } catch (TargetListException e) {
      // With bad lines skipped, only whole-list problems remain: an unknown header, or no valid target at all.
      org.kuzet.targets.Problem last = e.problems().get(e.problems().size() - 1);
      org.kuzet.targets.Problem first = e.problems().get(0);
      String where = first.line() > 0 ? "line " + first.line() + ": " : "";
      String what = e.problems().size() == 1 ? where + first.message()
          : last.message() + " (" + (e.problems().size() - 1) + " bad line(s), the first: " + where + first.message()
              + ")";
      throw new Unusable(file, Problem.INVALID, what);
    }
  }
}
