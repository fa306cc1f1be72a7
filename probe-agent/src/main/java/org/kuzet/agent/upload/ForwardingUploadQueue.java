package org.kuzet.agent.upload;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** Passes everything to another queue; a subclass overrides what it watches or changes. */
public class ForwardingUploadQueue implements UploadQueue {
  private final UploadQueue inner;

  public ForwardingUploadQueue(UploadQueue inner) {
    this.inner = inner;
  }

  @Override
  public List<QueuedMeasurement> due(int max, Instant now) {
    return inner.due(max, now);
  }

  @Override
  public List<DueMeasurement> dueSizes(int max, Instant now) {
    return inner.dueSizes(max, now);
  }

  @Override
  public java.util.Optional<String> measurementJson(String uid) {
    return inner.measurementJson(uid);
  }

  @Override
  public void markUploaded(Collection<String> uids, Instant at) {
    inner.markUploaded(uids, at);
  }

  @Override
  public void markRejected(String uid, String reason, Instant at) {
    inner.markRejected(uid, reason, at);
  }

  @Override
  public void markRetry(Collection<String> uids, String error, Instant nextAttempt) {
    inner.markRetry(uids, error, nextAttempt);
  }

  @Override
  public int requeueRejected() {
    return inner.requeueRejected();
  }

  @Override
  public QueueCounts counts() {
    return inner.counts();
  }
}
