package org.kuzet.agent.upload;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The store-and-forward queue of measurements waiting to reach a collector.
 *
 * <p>A measurement enters the queue in the same transaction that stores it; uploading never
 * deletes it. The SQLite results store implements this ({@code store.StoredUploadQueue}); tests may use
 * {@link MemoryUploadQueue}.
 */
public interface UploadQueue {

    /** Up to {@code max} pending measurements whose next attempt is due at {@code now}, oldest first. */
    List<QueuedMeasurement> due(int max, Instant now);

    /**
     * As {@link #due}, without the JSON: what an uploader needs to plan batches within a byte budget before it reads
     * any measurement ({@link #measurementJson} then reads them one at a time as they are sent).
     */
    List<DueMeasurement> dueSizes(int max, Instant now);

    /** The stored JSON of the queued measurement {@code uid}; empty when it is no longer stored. */
    java.util.Optional<String> measurementJson(String uid);

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

    /** A due measurement without its JSON: its UID, the size of its stored JSON in UTF-8 bytes, its failed sends. */
    record DueMeasurement(String uid, long bytes, int attempts) {}

    record QueueCounts(long pending, long uploaded, long rejected) {}
}
