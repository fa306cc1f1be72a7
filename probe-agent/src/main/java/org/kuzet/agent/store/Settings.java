package org.kuzet.agent.store;

import java.util.Optional;

/** The {@code settings} table: the probe's own small facts (its id, …), one text value per key. */
public final class Settings {
  private final Database db;

  Settings(Database db) {
    this.db = db;
  }

  public Optional<String> setting(String key) {
    return db.read("read setting " + key, c -> Rows.first(c, "SELECT value FROM settings WHERE key = ?",
        rs -> rs.getString("value"), key));
  }

  public void putSetting(String key, String value) {
    db.write("write setting " + key, c -> Rows.update(c, "INSERT INTO settings (key, value) VALUES (?, ?)"
        + " ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value));
  }
}
