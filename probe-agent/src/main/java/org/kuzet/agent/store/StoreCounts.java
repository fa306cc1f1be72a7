package org.kuzet.agent.store;

import java.time.Instant;
import org.kuzet.agent.upload.UploadQueue.QueueCounts;

/** What {@code kuzet status} shows about the store. {@code lastMeasurementAt} is null for an empty store. */
public record StoreCounts(long runs, long measurements, long blocked, QueueCounts upload, Instant lastMeasurementAt,
    long connectivityEvents) {}
