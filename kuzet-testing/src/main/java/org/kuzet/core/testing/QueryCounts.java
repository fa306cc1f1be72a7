package org.kuzet.core.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/** Queries a fake resolver received per name (all types, all transports), so a test can assert who asked. */
final class QueryCounts {
  private final Map<Name, AtomicInteger> counts = new ConcurrentHashMap<>();

  void record(Message query) {
    Record question = query.getQuestion();
    if (question != null) {
      counts.computeIfAbsent(DnsZone.key(question.getName()), k -> new AtomicInteger()).incrementAndGet();
    }
  }

  int get(String name) {
    AtomicInteger n = counts.get(DnsZone.absolute(name));
    return n == null ? 0 : n.get();
  }
}
