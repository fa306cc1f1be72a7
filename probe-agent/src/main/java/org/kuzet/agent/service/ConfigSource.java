package org.kuzet.agent.service;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import org.kuzet.agent.config.ConfigException;
import org.kuzet.agent.config.ConfigLoader;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.i18n.Messages;

/**
 * The configuration in force, re-read when the file changes, so that {@code kuzet campaign add} reaches a running
 * service without a restart. A file that no longer loads is reported once and the last good configuration stays.
 */
public interface ConfigSource {
  KuzetConfig current();

  static ConfigSource fixed(KuzetConfig config) {
    Objects.requireNonNull(config, "config");
    return () -> config;
  }

  /** Watches {@code file} by modification time; {@code initial} is what was loaded at start. */
  static ConfigSource watching(Path file, KuzetConfig initial, PrintWriter log) {
    return watching(file, initial, log, Messages.english());
  }

  /** As {@link #watching(Path, KuzetConfig, PrintWriter)}, logging in {@code messages}' language. */
  static ConfigSource watching(Path file, KuzetConfig initial, PrintWriter log, Messages messages) {
    return new ConfigSource() {
      private KuzetConfig config = initial;
      private FileTime seen = mtime(file);
      private FileTime reported;

      @Override
      public synchronized KuzetConfig current() {
        FileTime now = mtime(file);
        if (now == null || now.equals(seen)) {
          return config;
        }
        try {
          config = ConfigLoader.load(file);
          seen = now;
          log.println("kuzet: " + messages.get("service.config.reloaded", file));
        } catch (ConfigException e) {
          if (!now.equals(reported)) {
            log.println("kuzet: " + messages.get("service.config.unusable", file, e.getMessage()));
            reported = now;
          }
        }
        log.flush();
        return config;
      }
    };
  }

  private static FileTime mtime(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return null;
    }
  }
}
