package org.kuzet.core.messengers;

import java.util.Locale;

/** The messengers kuzet checks; each is a test of its own, named as OONI names it. */
public enum Messenger {
  WHATSAPP("whatsapp"),
  TELEGRAM("telegram"),
  SIGNAL("signal");

  private final String testName;

  Messenger(String testName) {
    this.testName = testName;
  }

  /** OONI's {@code test_name} (ts-018 whatsapp, ts-020 telegram, ts-029 signal); also the measurement's input. */
  public String testName() {
    return testName;
  }

  /** The messenger of an OONI test name, or null when it is none. */
  public static Messenger ofTestName(String name) {
    for (Messenger m : values()) {
      if (m.testName.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    return null;
  }
}
