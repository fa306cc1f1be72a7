package org.kuzet.agent.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/** The {@code settings} table: the probe's own small facts (its id, …), one text value per key. */
public final class Settings {
  private final Database db;

  Settings(Database db) {
    this.db = db;
  }

  public Optional<String> setting(String key) {
    return db.read("read setting " + key, c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT value FROM settings WHERE key = ?")) {
        p.setString(1, key);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString("value")) : Optional.empty();
        }
      }
    });
  }

  public void putSetting(String key, String value) {
    db.write("write setting " + key, c -> {
      try (PreparedStatement p = c.prepareStatement("INSERT INTO settings (key, value) VALUES (?, ?)"
          + " ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
        p.setString(1, key);
        p.setString(2, value);
        p.executeUpdate();
      }
      return null;
    });
  }
}
