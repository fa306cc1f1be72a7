package org.kuzet.agent.cli;

import java.util.Map;
import java.util.stream.Collectors;
import org.kuzet.agent.i18n.Messages;
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
    return describe(controlFailure, Messages.english());
  }

  /** {@link #describe(String)} in the volunteer's language (failure strings stay as OONI writes them). */
  static String describe(String controlFailure, Messages m) {
    if (controlFailure == null) {
      return m.get("control.answered");
    }
    if (ControlFailures.NOT_CONFIGURED.equals(controlFailure)) {
      return m.get("control.notConfigured");
    }
    return switch (controlFailure) {
      case Failures.CONNECTION_REFUSED -> m.get("control.refusedConnection");
      case Failures.CONNECTION_RESET -> m.get("control.reset");
      case Failures.GENERIC_TIMEOUT -> m.get("control.timeout");
      case Failures.HOST_UNREACHABLE, Failures.NETWORK_UNREACHABLE -> m.get("control.noRoute");
      case Failures.DNS_NXDOMAIN -> m.get("control.nxdomain");
      case Failures.EOF -> m.get("control.eof");
      default -> other(controlFailure, m);
    };
  }

  private static String other(String failure, Messages m) {
    if (failure.startsWith("ssl_")) {
      return m.get("control.tls", failure);
    }
    String detail = failure.startsWith(Failures.UNKNOWN_PREFIX) ? failure.substring(Failures.UNKNOWN_PREFIX.length())
        : failure;
    if (detail.startsWith("control answered HTTP 429") || detail.startsWith("control answered HTTP 503")) {
      return m.get("control.busy", detail.substring("control ".length()));
    }
    if (detail.startsWith("control answered HTTP")) {
      return m.get("control.refusedHttp", detail.substring("control ".length()));
    }
    if (detail.startsWith("control response")) {
      return m.get("control.nonsense", detail.substring("control ".length()));
    }
    return m.get("control.failed", failure);
  }

  /** The control's health at a run, for {@code kuzet status}, from {@link #summary}'s counts. */
  static String health(Map<String, Long> failures) {
    return health(failures, Messages.english());
  }

  /** {@link #health(Map)} in the volunteer's language. */
  static String health(Map<String, Long> failures, Messages m) {
    long total = failures.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return m.get("control.health.unknown");
    }
    String summary = summary(failures, total, m);
    if (summary != null) {
      return m.get("control.health.lastRun", summary);
    }
    return failures.keySet().stream().allMatch(f -> f != null && !failed(f))
        ? m.get("control.health.noneConfigured")
        : m.get(failures.containsKey(ControlFailures.NOT_CONFIGURED) ? "control.health.answeredSome"
            : "control.health.answeredAll");
  }

  /**
   * One line about a run's controls: null when every measurement had an answer (or none was configured), else how
   * many had none and why, most frequent reason first.
   */
  static String summary(Map<String, Long> failures, long total) {
    return summary(failures, total, Messages.english());
  }

  /** {@link #summary(Map, long)} in the volunteer's language. */
  static String summary(Map<String, Long> failures, long total, Messages m) {
    Map<String, Long> why = failures.entrySet().stream().filter(e -> failed(e.getKey()))
        .collect(Collectors.groupingBy(e -> describe(e.getKey(), m), Collectors.summingLong(Map.Entry::getValue)));
    long without = why.values().stream().mapToLong(Long::longValue).sum();
    if (without == 0) {
      return null;
    }
    String reasons = why.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
        .thenComparing(Map.Entry.comparingByKey()))
        .map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", "));
    return m.get("control.summary", without, total, reasons);
  }
}
