package org.kuzet.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.Optional;

/**
 * OONI's {@code blocking} key, typed: {@code false} (not blocked) or the blocking method ({@code "dns"},
 * {@code "tcp_ip"}, {@code "http-failure"}, {@code "http-diff"}). Unknown is a null {@code Blocking}, written as JSON
 * null, as OONI writes it. On the wire exactly OONI's value: the JSON boolean {@code false} or the method string.
 */
public final class Blocking {
  /** OONI's {@code false}: the analysis found no blocking. */
  public static final Blocking NONE = new Blocking(null);

  private final String method;

  private Blocking(String method) {
    this.method = method;
  }

  /** Blocked by {@code method}; a blank method is a caller bug. */
  public static Blocking method(String method) {
    if (method == null || method.isBlank()) {
      throw new IllegalArgumentException("a blocking method is a non-empty string");
    }
    return new Blocking(method);
  }

  /** The value of an OONI line: {@code false} or a method string ({@code true} is not a value OONI writes). */
  @JsonCreator
  public static Blocking fromWire(Object value) {
    if (Boolean.FALSE.equals(value)) {
      return NONE;
    }
    if (value instanceof String s) {
      return method(s);
    }
    throw new IllegalArgumentException("blocking is false, a method string, or null; got " + value);
  }

  /** The JSON value: {@link Boolean#FALSE} or the method string. */
  @JsonValue
  public Object wire() {
    return method == null ? Boolean.FALSE : method;
  }

  /** Whether a method was named (OONI's value is not {@code false}). */
  public boolean blocked() {
    return method != null;
  }

  /** The blocking method, empty for {@link #NONE}. */
  public Optional<String> blockingMethod() {
    return Optional.ofNullable(method);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Blocking b && Objects.equals(method, b.method);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(method);
  }

  /** The value as text: {@code "false"} or the method, as the database's {@code blocking} column holds it. */
  @Override
  public String toString() {
    return method == null ? "false" : method;
  }
}
