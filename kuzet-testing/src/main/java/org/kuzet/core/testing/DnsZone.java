package org.kuzet.core.testing;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * What a fake resolver says about each name: the one table behind {@link FakeDnsServer} (UDP and TCP) and
 * {@link FakeDohServer}, so a test world can give the plain resolver and the DoH resolver the same or different
 * views of the world. Names are absolute and case-insensitive ("Example.KZ" = "example.kz."). Safe to program
 * while servers are answering.
 *
 * <p>Each name has one behaviour; the last call for a name wins, except {@link #inject}, which adds lies on top
 * of whatever the name otherwise gets.
 */
public final class DnsZone {
  /** What a resolver does for a name when no records are configured, or for names nobody configured. */
  public enum Behaviour {
    /** Answer with the configured records (or CNAME chain). */
    ANSWER,
    NXDOMAIN,
    SERVFAIL,
    REFUSED,
    /** NOERROR with an empty answer section: what a filtering resolver that "forgets" a name sends. */
    NO_ANSWER,
    /** Never reply, so the client times out. */
    SILENT
  }

  /** How the query arrived; injection only happens on UDP, as on-path injectors race the real resolver there. */
  public enum Transport { UDP, TCP, DOH }

  private static final int MAX_CNAME_HOPS = 8;

  private record Entry(Behaviour behaviour, List<InetAddress> addresses, Name cname, List<InetAddress> lies) {
    static final Entry NEW = new Entry(Behaviour.NXDOMAIN, List.of(), null, List.of());

    Entry with(Behaviour b, List<InetAddress> a, Name c) {
      return new Entry(b, a, c, lies);
    }
  }

  private final Map<Name, Entry> entries = new ConcurrentHashMap<>();
  private final Map<Name, Map.Entry<Name, List<InetAddress>>> strays = new ConcurrentHashMap<>();
  private volatile Behaviour unknownNames = Behaviour.NXDOMAIN;
  private volatile long ttl = 300;

  /** Answers {@code name} with these IP literals: A records for IPv4 ones, AAAA for IPv6 ones. */
  public DnsZone answer(String name, String... ips) {
    List<InetAddress> addresses = parseIps(ips);
    return set(name, e -> e.with(Behaviour.ANSWER, addresses, null));
  }

  /** Answers {@code name} with a CNAME to {@code target}, followed in the same reply by target's records. */
  public DnsZone cname(String name, String target) {
    Name to = absolute(target);
    return set(name, e -> e.with(Behaviour.ANSWER, List.of(), to));
  }

  public DnsZone nxdomain(String name) {
    return set(name, e -> e.with(Behaviour.NXDOMAIN, List.of(), null));
  }

  public DnsZone servfail(String name) {
    return set(name, e -> e.with(Behaviour.SERVFAIL, List.of(), null));
  }

  public DnsZone refused(String name) {
    return set(name, e -> e.with(Behaviour.REFUSED, List.of(), null));
  }

  /** NOERROR and no records, for every type. */
  public DnsZone noAnswer(String name) {
    return set(name, e -> e.with(Behaviour.NO_ANSWER, List.of(), null));
  }

  /** Queries for {@code name} are received and counted but never answered. */
  public DnsZone silent(String name) {
    return set(name, e -> e.with(Behaviour.SILENT, List.of(), null));
  }

  /**
   * Over UDP, answers {@code name} twice with the same ID: first these lies, then the truth (the name's own
   * behaviour; NXDOMAIN if none was configured). This is how the GFW and Kazakhstan's injectors look from the
   * client: a forged reply that wins the race, then the real resolver's. Lies of the wrong family for the
   * query type are not sent (no lie for AAAA if only IPv4 lies are given). TCP and DoH get only the truth.
   */
  public DnsZone inject(String name, String... lieIps) {
    List<InetAddress> lies = parseIps(lieIps);
    return set(name, e -> new Entry(e.behaviour(), e.addresses(), e.cname(), lies));
  }

  /**
   * Every reply for {@code name} (injected lies too) also carries address records owned by {@code otherName}, a
   * name nobody asked about: what a cache-poisoning attempt or a broken resolver sends. A client must not use them.
   */
  public DnsZone stray(String name, String otherName, String... ips) {
    strays.put(absolute(name), Map.entry(absolute(otherName), parseIps(ips)));
    return this;
  }

  /** Forgets everything configured for {@code name}; it becomes an unknown name again. */
  public DnsZone remove(String name) {
    entries.remove(absolute(name));
    return this;
  }

  /** What names nobody configured get; NXDOMAIN unless changed. */
  public DnsZone unknownNames(Behaviour behaviour) {
    if (behaviour == Behaviour.ANSWER) {
      throw new IllegalArgumentException("unknown names have no records to answer with");
    }
    this.unknownNames = behaviour;
    return this;
  }

  /** TTL of every record sent from now on (default 300 s). */
  public DnsZone ttl(int seconds) {
    if (seconds < 0) {
      throw new IllegalArgumentException("ttl must be >= 0: " + seconds);
    }
    this.ttl = seconds;
    return this;
  }

  /**
   * The replies to send for {@code query}, in order: none (silent), one, or two (UDP injection). Each reply has
   * the query's ID and question, QR and RA set and RD copied, as a recursive resolver's would.
   */
  public List<Message> respond(Message query, Transport transport) {
    Record question = query.getQuestion();
    if (question == null) {
      return List.of(reply(query, Rcode.FORMERR, List.of()));
    }
    Entry entry = entries.get(key(question.getName()));
    List<Message> out = new ArrayList<>(2);
    if (transport == Transport.UDP && entry != null) {
      List<Record> lies = addressRecords(question.getName(), question.getType(), entry.lies());
      if (!lies.isEmpty()) {
        out.add(reply(query, Rcode.NOERROR, lies));
      }
    }
    Message truth = resolve(query, question);
    if (truth != null) {
      out.add(truth);
    }
    Map.Entry<Name, List<InetAddress>> stray = strays.get(key(question.getName()));
    if (stray != null) {
      for (Message m : out) {
        addressRecords(stray.getKey(), question.getType(), stray.getValue()).forEach(r -> m.addRecord(r,
            Section.ANSWER));
      }
    }
    return out;
  }

  /** The truthful reply to {@code query}, or null for silence; follows CNAMEs within this zone. */
  private Message resolve(Message query, Record question) {
    List<Record> answers = new ArrayList<>();
    Name current = question.getName();
    for (int hop = 0; hop < MAX_CNAME_HOPS; hop++) {
      Entry entry = entries.get(key(current));
      Behaviour behaviour = entry == null ? unknownNames : entry.behaviour();
      switch (behaviour) {
        case ANSWER:
          if (entry.cname() != null) {
            answers.add(new CNAMERecord(current, DClass.IN, ttl, entry.cname()));
            current = entry.cname();
            continue;
          }
          answers.addAll(addressRecords(current, question.getType(), entry.addresses()));
          return reply(query, Rcode.NOERROR, answers);
        case NO_ANSWER:
          return reply(query, Rcode.NOERROR, answers);
        case NXDOMAIN:
          // A recursive resolver keeps the CNAME it followed and reports the target's NXDOMAIN.
          return reply(query, Rcode.NXDOMAIN, answers);
        case SERVFAIL:
          return reply(query, Rcode.SERVFAIL, List.of());
        case REFUSED:
          return reply(query, Rcode.REFUSED, List.of());
        case SILENT:
          // Silent at the start of the chain: no reply at all. Silent further down: the recursive resolver
          // gave up on the target's servers and says SERVFAIL.
          return hop == 0 ? null : reply(query, Rcode.SERVFAIL, List.of());
        default:
          throw new AssertionError(behaviour);
      }
    }
    return reply(query, Rcode.SERVFAIL, List.of()); // CNAME loop or chain too long
  }

  private List<Record> addressRecords(Name owner, int type, List<InetAddress> addresses) {
    List<Record> out = new ArrayList<>();
    for (InetAddress ip : addresses) {
      if (type == Type.A && ip instanceof Inet4Address) {
        out.add(new ARecord(owner, DClass.IN, ttl, ip));
      } else if (type == Type.AAAA && ip instanceof Inet6Address) {
        out.add(new AAAARecord(owner, DClass.IN, ttl, ip));
      }
    }
    return out;
  }

  private static Message reply(Message query, int rcode, List<Record> answers) {
    Message reply = new Message(query.getHeader().getID());
    reply.getHeader().setFlag(Flags.QR);
    reply.getHeader().setFlag(Flags.RA);
    if (query.getHeader().getFlag(Flags.RD)) {
      reply.getHeader().setFlag(Flags.RD);
    }
    reply.getHeader().setOpcode(query.getHeader().getOpcode());
    reply.getHeader().setRcode(rcode);
    Record question = query.getQuestion();
    if (question != null) {
      reply.addRecord(question, Section.QUESTION);
    }
    for (Record r : answers) {
      reply.addRecord(r, Section.ANSWER);
    }
    return reply;
  }

  private DnsZone set(String name, java.util.function.UnaryOperator<Entry> change) {
    entries.compute(absolute(name), (k, old) -> change.apply(old == null ? Entry.NEW : old));
    return this;
  }

  /** The lookup key: absolute and lower-case, so configuration and queries match regardless of case. */
  static Name key(Name name) {
    return name.canonicalize();
  }

  static Name absolute(String name) {
    try {
      return key(Name.fromString(name, Name.root));
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a DNS name: " + name, e);
    }
  }

  private static List<InetAddress> parseIps(String... ips) {
    List<InetAddress> out = new ArrayList<>();
    for (String ip : ips) {
      try {
        // Address.getByAddress only parses literals: a typo must fail here, not become a real DNS lookup.
        out.add(Address.getByAddress(ip));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IP literal: " + ip + " (in " + Arrays.toString(ips) + ")", e);
      }
    }
    return List.copyOf(out);
  }
}
