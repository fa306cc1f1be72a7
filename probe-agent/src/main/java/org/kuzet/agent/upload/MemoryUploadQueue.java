package org.kuzet.agent.upload;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An in-memory {@link UploadQueue} for tests and for a one-shot run without a database. */
public final class MemoryUploadQueue implements UploadQueue {

    private enum State { PENDING, UPLOADED, REJECTED }

    private static final class Entry {
        final QueuedMeasurement item;
        State state = State.PENDING;
        int attempts;
        Instant notBefore = Instant.EPOCH;
        String reason;

        Entry(QueuedMeasurement item) {
            this.item = item;
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public synchronized void add(String uid, String measurementJson) {
        entries.putIfAbsent(uid, new Entry(new QueuedMeasurement(uid, measurementJson, 0)));
    }

    @Override
    public synchronized List<QueuedMeasurement> due(int max, Instant now) {
        List<QueuedMeasurement> due = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (due.size() == max) {
                break;
            }
            if (e.state == State.PENDING && !e.notBefore.isAfter(now)) {
                due.add(new QueuedMeasurement(e.item.uid(), e.item.measurementJson(), e.attempts));
            }
        }
        return due;
    }

    @Override
    public synchronized List<DueMeasurement> dueSizes(int max, Instant now) {
        return due(max, now).stream().map(q -> new DueMeasurement(q.uid(),
            q.measurementJson().getBytes(java.nio.charset.StandardCharsets.UTF_8).length, q.attempts())).toList();
    }

    @Override
    public synchronized java.util.Optional<String> measurementJson(String uid) {
        Entry e = entries.get(uid);
        return e == null ? java.util.Optional.empty() : java.util.Optional.of(e.item.measurementJson());
    }

    @Override
    public synchronized void markUploaded(Collection<String> uids, Instant at) {
        uids.forEach(uid -> entry(uid).state = State.UPLOADED);
    }

    @Override
    public synchronized void markRejected(String uid, String reason, Instant at) {
        Entry e = entry(uid);
        e.state = State.REJECTED;
        e.reason = reason;
    }

    @Override
    public synchronized void markRetry(Collection<String> uids, String error, Instant nextAttempt) {
        for (String uid : uids) {
            Entry e = entry(uid);
            e.attempts++;
            e.notBefore = nextAttempt;
            e.reason = error;
        }
    }

    @Override
    public synchronized int requeueRejected() {
        int n = 0;
        for (Entry e : entries.values()) {
            if (e.state == State.REJECTED) {
                e.state = State.PENDING;
                e.notBefore = Instant.EPOCH;
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized QueueCounts counts() {
        long pending = 0, uploaded = 0, rejected = 0;
        for (Entry e : entries.values()) {
            switch (e.state) {
                case PENDING -> pending++;
                case UPLOADED -> uploaded++;
                case REJECTED -> rejected++;
            }
        }
        return new QueueCounts(pending, uploaded, rejected);
    }

    /** The last rejection or retry reason recorded for {@code uid}, or null. */
    public synchronized String reason(String uid) {
        return entry(uid).reason;
    }

    private Entry entry(String uid) {
        Entry e = entries.get(uid);
        if (e == null) {
            throw new IllegalArgumentException("no queued measurement with UID " + uid);
        }
        return e;
    }
}
