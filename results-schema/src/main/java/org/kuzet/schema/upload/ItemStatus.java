package org.kuzet.schema.upload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What the collector did with one uploaded measurement. */
public enum ItemStatus {
  /** Verified and stored now. */
  ACCEPTED,
  /** Verified, and the identical measurement was already stored: a resend after a lost answer. A success. */
  DUPLICATE,
  /** Refused for good, with a reason (bad signature, missing UID, UID conflict…); resending will not help. */
  REJECTED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static ItemStatus fromWire(String name) {
    for (ItemStatus s : values()) {
      if (s.wireName().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown upload status \"" + name + "\" (expected accepted, duplicate"
        + " or rejected)");
  }
}
