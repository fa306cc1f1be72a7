package org.kuzet.schema.upload;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * The collector's answer for one item of a batch.
 *
 * @param uid the item's {@code measurement_uid}; null only when the item had none (then it is rejected)
 * @param status accepted, duplicate or rejected
 * @param reason why it was rejected; null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ItemResult(String uid, ItemStatus status, String reason) {
  public ItemResult {
    Objects.requireNonNull(status, "status");
    if (status == ItemStatus.REJECTED && (reason == null || reason.isBlank())) {
      throw new IllegalArgumentException("a rejection needs a reason");
    }
  }

  public static ItemResult accepted(String uid) {
    return new ItemResult(uid, ItemStatus.ACCEPTED, null);
  }

  public static ItemResult duplicate(String uid) {
    return new ItemResult(uid, ItemStatus.DUPLICATE, null);
  }

  public static ItemResult rejected(String uid, String reason) {
    return new ItemResult(uid, ItemStatus.REJECTED, reason);
  }
}
