package org.kuzet.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** kuzet's name and version as written into every measurement ({@code software_name}, {@code software_version}). */
public final class Software {
  public static final String NAME = "kuzet";
  public static final String VERSION = load();

  private Software() {}

  private static String load() {
    try (InputStream in = Software.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      String v = p.getProperty("version", "");
      // Unfiltered (running from an IDE without Maven resource processing): say so rather than invent one.
      return v.isEmpty() || v.startsWith("${") ? "0.0.0-dev" : v;
    } catch (IOException e) {
      return "0.0.0-dev";
    }
  }
}
