package org.kuzet.agent.upload;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The store-and-forward queue of measurements waiting to reach a collector.
 *
 * <p>A measurement enters the queue in the same transaction that stores it; uploading never
 * deletes it. The SQLite results store implements this; tests may use {@link MemoryUploadQueue}.
 */
public interface UploadQueue {

    /** Up to {@code max} pending measurements whose next attempt is due at {@code now}, oldest first. */
    List<QueuedMeasurement> due(int max, Instant now);

    /** The collector accepted these (or already had them: a duplicate is a success). */
    void markUploaded(Collection<String> uids, Instant at);

    /** The collector refused this one for good (4xx for the item); it stays stored, with the reason. */
    void markRejected(String uid, String reason, Instant at);

    /** A transient failure: try these again no earlier than {@code nextAttempt}. */
    void markRetry(Collection<String> uids, String error, Instant nextAttempt);

    /** Puts every rejected measurement back into the pending state; returns how many. */
    int requeueRejected();

    QueueCounts counts();

    /** One queued measurement: its stable UID, its stored JSON and how often sending it failed. */
    record QueuedMeasurement(String uid, String measurementJson, int attempts) {}

    record QueueCounts(long pending, long uploaded, long rejected) {}
}
