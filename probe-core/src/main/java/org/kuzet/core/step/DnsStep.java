package org.kuzet.core.step;

import org.kuzet.core.net.IpLiterals;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.EventListener;
import okhttp3.Handshake;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.kuzet.core.ProbeEventListener;
import org.kuzet.core.classify.FailureClassifier;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.tls.RecordingTrustManager;
import org.kuzet.core.tls.TlsContexts;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.Endpoints;
import org.kuzet.schema.Failures;
import org.kuzet.schema.TlsHandshake;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * DNS lookups as observations: one query of one type to one resolver over one transport, recorded with
 * rcode, answers, TTLs and failure. kuzet builds and sends the messages itself (dnsjava for the wire format)
 * instead of using a stub resolver, so that NXDOMAIN, SERVFAIL, an empty answer, silence and an injected
 * second reply all stay distinguishable.
 */
public final class DnsStep {
  private static final MediaType DNS_MESSAGE = MediaType.get("application/dns-message");

  private final Duration timeout;
  private final Duration injectionWindow;
  private final AddressPolicy policy;
  private final TrustRoots trustRoots;
  private final OkHttpClient dohBase;
  private final StepClock clock;
  private final ProbeEventListener listener;

  public DnsStep(Duration timeout, Duration injectionWindow, AddressPolicy policy, TrustRoots trustRoots,
      OkHttpClient dohBase, StepClock clock, ProbeEventListener listener) {
    this.timeout = timeout;
    this.injectionWindow = injectionWindow;
    this.policy = policy;
    this.trustRoots = trustRoots;
    this.dohBase = dohBase;
    this.clock = clock;
    this.listener = listener;
  }

  /**
   * A query over UDP, waiting for its late replies too: the first reply, then whatever else answers the same ID
   * and question within the injection window after it. For callers that want one finished record (tests, the
   * helper, the anchors with a zero window); a measurement uses {@link #udpStart} and never waits for the window.
   */
  public DnsQuery udp(String engine, InetSocketAddress server, String hostname, int type) {
    Udp udp = udpStart(engine, server, hostname, type);
    DnsQuery first = udp.answered().join();
    long waitMs = first.rcode() == null ? 0 : injectionWindow.toMillis();
    if (waitMs > 0) {
      try {
        Thread.sleep(waitMs); // the caller asked for a finished record: this is the window it asked for
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return udp.finish();
  }

  /**
   * A UDP query in flight, on the shared selector ({@link UdpExchanges}): no thread waits for it. {@link #answered()}
   * completes with the record as of the first reply (or the timeout, or the failure), and the socket keeps
   * listening for late replies, until {@link #finish()} closes it and returns the record with them folded in.
   */
  public final class Udp {
    private final CompletableFuture<DnsQuery> answered;
    private final UdpExchanges.Exchange<Message> exchange;
    private final Message query;

    private Udp(CompletableFuture<DnsQuery> answered, UdpExchanges.Exchange<Message> exchange, Message query) {
      this.answered = answered;
      this.exchange = exchange;
      this.query = query;
    }

    public CompletableFuture<DnsQuery> answered() {
      return answered;
    }

    /** When the first reply came, by System.nanoTime(); Long.MIN_VALUE when none did (a timeout, a failure). */
    public long firstReplyNanos() {
      return exchange == null ? Long.MIN_VALUE : exchange.firstAtNanos();
    }

    /** Runs {@code r} after each late reply (on the selector thread: fast, never throws). */
    public void onLate(Runnable r) {
      if (exchange != null) {
        exchange.onLate(r);
      }
    }

    /** The answers of the late replies heard so far. */
    public List<List<DnsAnswer>> lateAnswers() {
      if (exchange == null) {
        return List.of();
      }
      return exchange.late().stream().map(m -> answers(m, query)).toList();
    }

    /** Stops listening and returns the record with every late reply heard until now; call once the first is in. */
    public DnsQuery finish() {
      return finish(answered.join());
    }

    /**
     * Stops listening and returns {@code recorded} (this query's record as the measurement numbered it; null to
     * just stop) with every late reply heard until now appended. A reply heard before this call is in the record;
     * none is added after it.
     */
    public DnsQuery finish(DnsQuery recorded) {
      if (exchange == null) {
        return recorded;
      }
      exchange.close();
      List<Message> late = exchange.late();
      if (recorded == null || late.isEmpty()) {
        return recorded;
      }
      List<List<DnsAnswer>> answers = late.stream().map(m -> answers(m, query)).toList();
      return recorded.withLateReplies(answers, exchange.lateTimes());
    }
  }

  /** Sends a UDP query and returns at once; see {@link Udp}. */
  public Udp udpStart(String engine, InetSocketAddress server, String hostname, int type) {
    listener.dnsStart(engine, hostname, Type.string(type));
    double t0 = clock.now();
    Message query;
    try {
      query = newQuery(hostname, type);
    } catch (TextParseException e) {
      return new Udp(CompletableFuture.completedFuture(end(engine, server, hostname, type, null,
          Failures.unknown("invalid hostname"), null, t0, List.of(), null)), null, null);
    }
    int id = query.getHeader().getID();
    UdpExchanges.Exchange<Message> exchange;
    try {
      exchange = UdpExchanges.shared().send(server, query.toWire(), timeout,
          (buf, len) -> parseReply(buf, len, query), clock::now);
    } catch (IOException e) {
      return new Udp(CompletableFuture.completedFuture(end(engine, server, hostname, type, null,
          FailureClassifier.classify(e), id, t0, List.of(), null)), null, query);
    }
    CompletableFuture<DnsQuery> answered = exchange.first().handle((first, error) -> {
      if (error != null) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause() : error;
        String failure = cause instanceof IOException io ? FailureClassifier.classify(io)
            : Failures.unknown(cause.getClass().getSimpleName());
        return end(engine, server, hostname, type, null, failure, id, t0, List.of(), null);
      }
      if (first == null) {
        return end(engine, server, hostname, type, null, Failures.GENERIC_TIMEOUT, id, t0, List.of(), null);
      }
      return fromReply(engine, server, hostname, query, first, id, t0, List.of(), null);
    });
    return new Udp(answered, exchange, query);
  }

  /** A query over TCP (RFC 1035 two-byte length framing). */
  public DnsQuery tcp(String engine, InetSocketAddress server, String hostname, int type) {
    listener.dnsStart(engine, hostname, Type.string(type));
    double t0 = clock.now();
    Message query;
    try {
      query = newQuery(hostname, type);
    } catch (TextParseException e) {
      return end(engine, server, hostname, type, null, Failures.unknown("invalid hostname"), null, t0, List.of(), null);
    }
    int id = query.getHeader().getID();
    try (Socket socket = new Socket(); Watchdog dog = Watchdog.start(socket, timeout)) {
      try {
        socket.connect(server, (int) timeout.toMillis());
        socket.setSoTimeout((int) timeout.toMillis());
        byte[] wire = query.toWire();
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeShort(wire.length);
        out.write(wire);
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int len = in.readUnsignedShort();
        byte[] buf = in.readNBytes(len);
        if (buf.length < len) {
          return end(engine, server, hostname, type, null, Failures.EOF, id, t0, List.of(), null);
        }
        Message reply = parseReply(buf, len, query);
        if (reply == null) {
          return end(engine, server, hostname, type, null, Failures.DNS_SERVER_MISBEHAVING, id, t0, List.of(), null);
        }
        return fromReply(engine, server, hostname, query, reply, id, t0, List.of(), null);
      } catch (IOException e) {
        String failure = dog.fired() ? Failures.GENERIC_TIMEOUT : FailureClassifier.classify(e);
        return end(engine, server, hostname, type, null, failure, id, t0, List.of(), null);
      }
    } catch (IOException e) {
      return end(engine, server, hostname, type, null, FailureClassifier.classify(e), id, t0, List.of(), null);
    }
  }

  /** A query over DNS-over-HTTPS (RFC 8484 POST); the DoH server's TLS handshake is recorded with the query. */
  public DnsQuery doh(String url, String hostname, int type) {
    listener.dnsStart("doh", hostname, Type.string(type));
    double t0 = clock.now();
    Message query;
    try {
      query = newQuery(hostname, type);
    } catch (TextParseException e) {
      return end("doh", url, hostname, type, null, Failures.unknown("invalid hostname"), null, t0, List.of(), null);
    }
    query.getHeader().setID(0); // RFC 8484 §4.1: ID 0 keeps responses cacheable
    RecordingTrustManager recorder = new RecordingTrustManager(trustRoots.trustManager(),
        RecordingTrustManager.Mode.ENFORCE);
    // The handshake as OkHttp completed it, kept apart from the response: a resolver that completes TLS and
    // then never answers has a working handshake and a timed-out query, not a timed-out handshake.
    AtomicReference<Handshake> handshake = new AtomicReference<>();
    AtomicReference<Protocol> protocol = new AtomicReference<>();
    // A fresh connection pool per query: every DoH query performs, and records, its own TLS handshake.
    OkHttpClient client = dohBase.newBuilder()
        .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
        .sslSocketFactory(TlsContexts.with(recorder).getSocketFactory(), recorder)
        .callTimeout(timeout)
        .eventListener(new EventListener() {
          @Override
          public void secureConnectEnd(Call call, Handshake h) {
            handshake.set(h);
          }

          @Override
          public void connectEnd(Call call, InetSocketAddress address, Proxy proxy, Protocol p) {
            protocol.set(p);
          }
        })
        .build();
    HttpUrl httpUrl = HttpUrl.get(url);
    Request request = new Request.Builder().url(httpUrl)
        .header("Accept", DNS_MESSAGE.toString())
        .post(RequestBody.create(query.toWire(), DNS_MESSAGE))
        .build();
    double tlsT0 = clock.now();
    try (Response response = client.newCall(request).execute()) {
      TlsHandshake tls = dohTls(httpUrl, response.handshake(), response.protocol(), recorder, null, tlsT0);
      if (response.code() != 200) {
        return end("doh", url, hostname, type, null, Failures.DNS_SERVER_MISBEHAVING, 0, t0, List.of(), tls);
      }
      byte[] body = response.body().bytes();
      Message reply = parseReply(body, body.length, query);
      if (reply == null) {
        return end("doh", url, hostname, type, null, Failures.DNS_SERVER_MISBEHAVING, 0, t0, List.of(), tls);
      }
      return fromReply("doh", url, hostname, query, reply, 0, t0, List.of(), tls);
    } catch (IOException e) {
      String failure = FailureClassifier.classify(e);
      TlsHandshake tls;
      if (handshake.get() != null) {
        tls = dohTls(httpUrl, handshake.get(), protocol.get(), recorder, null, tlsT0); // failed after TLS
      } else if (recorder.chain().isEmpty() && !failure.startsWith("ssl_")) {
        tls = null; // failed before any certificate was seen: nothing about TLS to record
      } else {
        tls = dohTls(httpUrl, null, null, recorder, failure, tlsT0);
      }
      return end("doh", url, hostname, type, null, failure, 0, t0, List.of(), tls);
    }
  }

  private TlsHandshake dohTls(HttpUrl url, Handshake hs, Protocol protocol, RecordingTrustManager recorder,
      String failure, double t0) {
    return new TlsHandshake(Endpoints.format(url.host(), url.port()), url.host(),
        hs == null ? null : hs.tlsVersion().javaName(), hs == null ? null : hs.cipherSuite().javaName(),
        protocol == null ? null : protocol.toString(), false, TlsStep.encode(recorder.chain()),
        failure, t0, clock.now());
  }

  private static Message newQuery(String hostname, int type) throws TextParseException {
    Name name = Name.fromString(hostname.endsWith(".") ? hostname : hostname + ".");
    return Message.newQuery(Record.newRecord(name, type, DClass.IN));
  }

  /** The reply if it answers {@code query} (same ID, same question), else null. */
  private static Message parseReply(byte[] buf, int len, Message query) {
    try {
      Message reply = new Message(java.util.Arrays.copyOf(buf, len));
      if (reply.getHeader().getID() != query.getHeader().getID()) {
        return null;
      }
      Record q = reply.getQuestion();
      if (q != null && !q.equals(query.getQuestion())) {
        return null;
      }
      return reply;
    } catch (WireParseException e) {
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  private DnsQuery fromReply(String engine, Object server, String hostname, Message query, Message reply, Integer id,
      double t0, List<List<DnsAnswer>> extra, TlsHandshake dohTls) {
    int type = query.getQuestion().getType();
    int rcode = reply.getRcode();
    List<DnsAnswer> answers = answers(reply, query);
    String failure = switch (rcode) {
      case Rcode.NOERROR -> answers.stream().anyMatch(a -> a.address() != null) ? null : Failures.DNS_NO_ANSWER;
      case Rcode.NXDOMAIN -> Failures.DNS_NXDOMAIN;
      case Rcode.SERVFAIL -> Failures.DNS_SERVFAIL;
      case Rcode.REFUSED -> Failures.DNS_REFUSED;
      default -> Failures.DNS_SERVER_MISBEHAVING;
    };
    return end(engine, server, hostname, type, rcode, failure, id, t0, extra, dohTls, answers);
  }

  /**
   * The answers to the question asked: records owned by the queried name or by a name its CNAME chain leads to,
   * in the reply's order. Records for any other name (a cache-poisoning attempt, a broken resolver) are not an
   * answer to this query and are dropped, whatever the transport, in first and later replies alike.
   */
  private List<DnsAnswer> answers(Message reply, Message query) {
    int type = query.getQuestion().getType();
    List<Record> section = reply.getSection(Section.ANSWER);
    Set<Name> chain = new HashSet<>();
    chain.add(query.getQuestion().getName());
    // CNAMEs may come in any order: extend the chain until it stops growing (at most one step per record).
    for (boolean grew = true; grew; ) {
      grew = false;
      for (Record r : section) {
        if (r instanceof CNAMERecord c && chain.contains(c.getName()) && chain.add(c.getTarget())) {
          grew = true;
        }
      }
    }
    List<DnsAnswer> out = new ArrayList<>();
    for (Record r : section) {
      if (!chain.contains(r.getName())) {
        continue;
      }
      if (r instanceof ARecord a && type == Type.A) {
        out.add(DnsAnswer.a(IpLiterals.text(a.getAddress()), r.getTTL(), policy.isBogon(a.getAddress())));
      } else if (r instanceof AAAARecord a && type == Type.AAAA) {
        InetAddress ip = a.getAddress();
        out.add(DnsAnswer.aaaa(IpLiterals.text(ip), r.getTTL(), policy.isBogon(ip)));
      } else if (r instanceof CNAMERecord c) {
        out.add(DnsAnswer.cname(c.getTarget().toString(true), r.getTTL()));
      }
    }
    return out;
  }

  private DnsQuery end(String engine, Object server, String hostname, int type, Integer rcode, String failure,
      Integer id, double t0, List<List<DnsAnswer>> extra, TlsHandshake dohTls) {
    return end(engine, server, hostname, type, rcode, failure, id, t0, extra, dohTls, List.of());
  }

  private DnsQuery end(String engine, Object server, String hostname, int type, Integer rcode, String failure,
      Integer id, double t0, List<List<DnsAnswer>> extra, TlsHandshake dohTls, List<DnsAnswer> answers) {
    String resolver = server instanceof InetSocketAddress isa
        ? Endpoints.format(IpLiterals.text(isa.getAddress()), isa.getPort()) : String.valueOf(server);
    // transaction_id is OONI's operation id, numbered by the measurement; the wire ID only matches replies here.
    DnsQuery q = new DnsQuery(engine, resolver, hostname, Type.string(type), rcode, answers, failure, null, t0,
        clock.now(), extra, dohTls);
    listener.dnsEnd(q);
    return q;
  }
}
