package org.kuzet.agent.cli;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.kuzet.schema.Failures;
import org.kuzet.schema.control.ControlFailures;

/**
 * Why a measurement has no control answer, in words, from its {@code test_keys.control_failure}. Without a control
 * most verdicts are {@code inconclusive}; a volunteer must see why without reading the JSON.
 */
final class ControlStatus {
  private ControlStatus() {}

  /** True when the failure means a control was asked and did not give a usable answer. */
  static boolean failed(String controlFailure) {
    return controlFailure != null && !ControlFailures.NOT_CONFIGURED.equals(controlFailure);
  }

  /** The control's part in one measurement, e.g. "unreachable (connection refused)". */
  static String describe(String controlFailure) {
    if (controlFailure == null) {
      return "answered";
    }
    if (ControlFailures.NOT_CONFIGURED.equals(controlFailure)) {
      return "none configured (--no-control, or KUZET_CONTROL / [control] urls = none)";
    }
    return switch (controlFailure) {
      case Failures.CONNECTION_REFUSED -> "unreachable (connection refused)";
      case Failures.CONNECTION_RESET -> "unreachable (connection reset)";
      case Failures.GENERIC_TIMEOUT -> "unreachable (no answer in time)";
      case Failures.HOST_UNREACHABLE, Failures.NETWORK_UNREACHABLE -> "unreachable (no route to it)";
      case Failures.DNS_NXDOMAIN -> "unreachable (its name does not resolve)";
      case Failures.EOF -> "unreachable (it closed the connection)";
      default -> other(controlFailure);
    };
  }

  private static String other(String failure) {
    if (failure.startsWith("ssl_")) {
      return "unreachable (TLS failed: " + failure + ")";
    }
    String detail = failure.startsWith(Failures.UNKNOWN_PREFIX) ? failure.substring(Failures.UNKNOWN_PREFIX.length())
        : failure;
    if (detail.startsWith("control answered HTTP 429") || detail.startsWith("control answered HTTP 503")) {
      return "busy (" + detail.substring("control ".length()) + ")";
    }
    if (detail.startsWith("control answered HTTP")) {
      return "refused (" + detail.substring("control ".length()) + ")";
    }
    if (detail.startsWith("control response")) {
      return "answered nonsense (" + detail.substring("control ".length()) + ")";
    }
    return "failed (" + failure + ")";
  }

  /** The control's health at a run, for {@code kuzet status}, from {@link #summary}'s counts. */
  static String health(Map<String, Long> failures) {
    long total = failures.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return "unknown (the last run stored no measurement)";
    }
    String summary = summary(failures, total);
    if (summary != null) {
      return "last run: " + summary;
    }
    return failures.keySet().stream().allMatch(f -> f != null && !failed(f))
        ? "none configured at the last run (verdicts rest on local evidence)"
        : "answered at the last run" + (failures.containsKey(ControlFailures.NOT_CONFIGURED) ? " (not configured"
            + " for some measurements)" : " (every measurement)");
  }

  /**
   * One line about a run's controls: null when every measurement had an answer (or none was configured), else how
   * many had none and why, most frequent reason first.
   */
  static String summary(Map<String, Long> failures, long total) {
    Map<String, Long> why = failures.entrySet().stream().filter(e -> failed(e.getKey()))
        .collect(Collectors.groupingBy(e -> describe(e.getKey()), Collectors.summingLong(Map.Entry::getValue)));
    long without = why.values().stream().mapToLong(Long::longValue).sum();
    if (without == 0) {
      return null;
    }
    String reasons = why.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
        .thenComparing(Map.Entry.comparingByKey()))
        .map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", "));
    return String.format(Locale.ROOT, "%d of %d measurement(s) got no control answer: %s; their verdicts rest on"
        + " local evidence only (mostly inconclusive)", without, total, reasons);
  }
}
