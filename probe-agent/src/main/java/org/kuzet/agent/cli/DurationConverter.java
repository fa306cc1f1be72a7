package org.kuzet.agent.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Typed durations as people write them: {@code 500ms}, {@code 4s}, {@code 15m}, {@code 6h}, {@code 1d}. */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  public static Duration parse(String value) {
    return org.kuzet.agent.config.Durations.parse(value);
  }
}
