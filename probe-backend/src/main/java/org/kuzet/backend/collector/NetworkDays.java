package org.kuzet.backend.collector;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.kuzet.backend.collector.CollectorStore.NetworkDay;

/** Folds grouped query rows (day, network, blocked or not, signals, count) into {@link NetworkDay}s. */
final class NetworkDays {
  private record Key(LocalDate day, String asn) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = day.compareTo(o.day);
      return c != 0 ? c : asn.compareTo(o.asn);
    }
  }

  private static final class Acc {
    long measurements;
    long blocked;
    final TreeSet<String> methods = new TreeSet<>();
  }

  private final Map<Key, Acc> days = new TreeMap<>();

  void add(LocalDate day, String asn, boolean blocked, Collection<String> signals, long count) {
    Acc a = days.computeIfAbsent(new Key(day, asn == null ? "" : asn), k -> new Acc());
    a.measurements += count;
    if (blocked) {
      a.blocked += count;
      for (String s : signals) {
        if (s != null && !s.isEmpty()) {
          a.methods.add(s);
        }
      }
    }
  }

  List<NetworkDay> result() {
    List<NetworkDay> out = new ArrayList<>();
    days.forEach((k, a) -> out.add(new NetworkDay(k.day, k.asn, a.measurements, a.blocked,
        java.util.Collections.unmodifiableSortedSet(a.methods))));
    return out;
  }
}
